// Metrics of this project, computed here from its newest executions (GET /v1/executions, up
// to MAX_EXECUTIONS): runs per language, limit hits, and p50/p95 duration per language. The
// server's /metrics (Prometheus) counts the whole server, not one project, so it is not used.

import { api, query, runOf } from "../api.js";
import { fill, h, svg } from "../dom.js";
import { errorBox } from "./common.js";

export const MAX_EXECUTIONS = 1000;

// The nearest-rank percentile of sorted numbers.
export function percentile(sorted, p) {
	if (sorted.length === 0) return 0;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(executions) {
	const byLanguage = new Map();
	const limits = new Map();
	let nonZero = 0;
	for (const execution of executions) {
		const entry = byLanguage.get(execution.language) || { runs: 0, durations: [] };
		entry.runs += 1;
		entry.durations.push(execution.duration);
		byLanguage.set(execution.language, entry);
		if (execution.exit_code !== 0) nonZero += 1;
		const run = runOf(execution.details);
		if (run && run.limit_hit) limits.set(run.limit_hit, (limits.get(run.limit_hit) || 0) + 1);
	}
	const languages = [...byLanguage.entries()]
		.sort((a, b) => b[1].runs - a[1].runs)
		.map(([language, entry]) => {
			const sorted = entry.durations.slice().sort((a, b) => a - b);
			return { language, runs: entry.runs, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
		});
	return { total: executions.length, nonZero, languages, limits: [...limits.entries()].sort((a, b) => b[1] - a[1]) };
}

function barChart(title, rows, { unit = "", testid }) {
	const width = 420;
	const barHeight = 18;
	const gap = 6;
	const labelWidth = 130;
	const max = Math.max(1, ...rows.flatMap((row) => row.values.map((v) => v.value)));
	const perRow = rows.length ? rows[0].values.length : 1;
	const rowHeight = perRow * barHeight + gap;
	const height = Math.max(rowHeight, rows.length * rowHeight);
	const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": title, class: "chart" });
	rows.forEach((row, i) => {
		const y = i * rowHeight;
		chart.append(svg("text", { x: 0, y: y + barHeight * 0.75, class: "chart-label" }, row.label));
		row.values.forEach((v, j) => {
			const length = Math.max(1, Math.round(((width - labelWidth - 80) * v.value) / max));
			const top = y + j * barHeight;
			chart.append(svg("rect", { x: labelWidth, y: top + 2, width: length, height: barHeight - 4, class: `bar bar-${j}` }, svg("title", {}, `${row.label} ${v.name}: ${v.value}${unit}`)));
			chart.append(svg("text", { x: labelWidth + length + 4, y: top + barHeight * 0.75, class: "chart-value" }, `${v.value.toLocaleString()}${unit}${v.name ? ` ${v.name}` : ""}`));
		});
	});
	return h("figure", { class: "chart-box", "data-testid": testid }, h("figcaption", {}, title), rows.length ? chart : h("p", { class: "muted" }, "None."));
}

export async function metrics(container) {
	const view = h("div", { class: "view" }, h("h2", {}, "Metrics"));
	const body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
	container.append(view);
	view.append(body);
	const executions = [];
	try {
		let cursor = null;
		while (executions.length < MAX_EXECUTIONS) {
			const page = await api("GET", `/v1/executions${query({ limit: 100, starting_after: cursor })}`);
			executions.push(...page.data);
			if (page.data.length < 100) break;
			cursor = page.data[page.data.length - 1].id;
		}
	} catch (error) {
		fill(body, errorBox(error));
		return;
	}
	const summary = summarize(executions.slice(0, MAX_EXECUTIONS));
	fill(body, 
		h("p", { class: "muted", "data-testid": "metrics-summary" }, `From the newest ${summary.total} executions of this project: ${summary.nonZero} with a non-zero exit code.`),
		h(
			"div",
			{ class: "charts" },
			barChart(
				"Runs per language",
				summary.languages.map((l) => ({ label: l.language, values: [{ name: "", value: l.runs }] })),
				{ testid: "chart-runs" },
			),
			barChart(
				"Limit hits",
				summary.limits.map(([limit, count]) => ({ label: limit, values: [{ name: "", value: count }] })),
				{ testid: "chart-limits" },
			),
			barChart(
				"Duration p50 / p95",
				summary.languages.map((l) => ({
					label: l.language,
					values: [
						{ name: "p50", value: l.p50 },
						{ name: "p95", value: l.p95 },
					],
				})),
				{ unit: " ms", testid: "chart-durations" },
			),
		),
	);
}
