// Generates DateTimeFormat data for the prelude from Node 20's ICU.
const L = ['en', 'en-GB', 'de', 'fr', 'es', 'ja'];
const probe = new Date(Date.UTC(2024, 0, 5, 9, 7, 5)); // Friday
const out = {};
function tokens(l, opts, d = probe) {
  const parts = new Intl.DateTimeFormat(l, { timeZone: 'UTC', ...opts }).formatToParts(d);
  let pat = '';
  for (const p of parts) {
    const v = p.value;
    switch (p.type) {
      case 'literal': pat += v.replace(/[{}]/g, (c) => (c === '{' ? '{(}' : '{)}')); break;
      case 'weekday': pat += '{' + weekdayForm(l, opts) + '}'; break;
      case 'year': pat += v.length === 2 ? '{yy}' : '{y}'; break;
      case 'month': pat += /^\d+$/.test(v) ? (v.length === 2 ? '{MM}' : '{M}') : '{' + textForm(l, opts, 'month', v) + '}'; break;
      case 'day': pat += v.length === 2 ? '{dd}' : '{d}'; break;
      case 'hour': pat += v.length === 2 ? '{hh}' : '{h}'; break;
      case 'minute': pat += v.length === 2 ? '{mm}' : '{m}'; break;
      case 'second': pat += v.length === 2 ? '{ss}' : '{s}'; break;
      case 'dayPeriod': pat += '{a}'; break;
      case 'timeZoneName': pat += '{z}'; break;
      default: throw new Error('part ' + p.type);
    }
  }
  return pat;
}
const names = {};
function monthName(l, w, fmt, i) {
  const d = new Date(Date.UTC(2024, i, 5));
  const o = fmt ? { month: w, day: 'numeric' } : { month: w };
  return new Intl.DateTimeFormat(l, { timeZone: 'UTC', ...o }).formatToParts(d).find((p) => p.type === 'month').value;
}
function weekdayName(l, w, fmt, i) {
  const d = new Date(Date.UTC(2024, 0, 7 + i));
  const o = fmt ? { weekday: w, day: 'numeric' } : { weekday: w };
  return new Intl.DateTimeFormat(l, { timeZone: 'UTC', ...o }).formatToParts(d).find((p) => p.type === 'weekday').value;
}
function weekdayForm(l, opts) {
  const w = opts.weekday || 'long';
  let fmtOk = true, saOk = true;
  for (let i = 0; i < 7; i++) {
    const d = new Date(Date.UTC(2024, 0, 7 + i, 9, 7, 5));
    const got = new Intl.DateTimeFormat(l, { timeZone: 'UTC', ...opts }).formatToParts(d).find((p) => p.type === 'weekday').value;
    if (got !== weekdayName(l, w, true, i)) fmtOk = false;
    if (got !== weekdayName(l, w, false, i)) saOk = false;
  }
  if (fmtOk) return 'E';
  if (saOk) return 'c';
  throw new Error('weekday form ' + l + JSON.stringify(opts));
}
function textForm(l, opts, field, v) {
  const w = opts.month || (opts.dateStyle === 'full' || opts.dateStyle === 'long' ? 'long' : 'short');
  const W = { long: 'MMMM', short: 'MMM', narrow: 'MMMMM' }[w];
  // which table: format (M) or standalone (L)? check all months
  let fmtOk = true, saOk = true;
  for (let i = 0; i < 12; i++) {
    const d = new Date(Date.UTC(2024, i, 5, 9, 7, 5));
    const got = new Intl.DateTimeFormat(l, { timeZone: 'UTC', ...opts }).formatToParts(d).find((p) => p.type === 'month').value;
    if (got !== monthName(l, w, true, i)) fmtOk = false;
    if (got !== monthName(l, w, false, i)) saOk = false;
  }
  if (fmtOk) return W;
  if (saOk) return W.replace(/M/g, 'L');
  throw new Error('month form ' + l + JSON.stringify(opts));
}
for (const l of L) {
  const data = { months: {}, weekdays: {} };
  for (const w of ['long', 'short', 'narrow']) {
    data.months['M' + w] = Array.from({ length: 12 }, (_, i) => monthName(l, w, true, i)).join('|');
    data.months['L' + w] = Array.from({ length: 12 }, (_, i) => monthName(l, w, false, i)).join('|');
    data.weekdays['E' + w] = Array.from({ length: 7 }, (_, i) => weekdayName(l, w, true, i)).join('|');
    data.weekdays['c' + w] = Array.from({ length: 7 }, (_, i) => weekdayName(l, w, false, i)).join('|');
  }
  const ap = (h, o) => new Intl.DateTimeFormat(l, { timeZone: 'UTC', hour: 'numeric', hour12: true, ...o }).formatToParts(new Date(Date.UTC(2024, 0, 5, h))).find((p) => p.type === 'dayPeriod').value;
  data.ampm = [ap(9), ap(15)].join('|');
  const tz = (n) => new Intl.DateTimeFormat(l, { timeZone: 'UTC', timeZoneName: n }).formatToParts(probe).find((p) => p.type === 'timeZoneName').value;
  data.tz = [tz('short'), tz('long')].join('|');
  data.hc = ['', true, false].map((h) => new Intl.DateTimeFormat(l, { hour: 'numeric', hour12: h === '' ? undefined : h }).resolvedOptions().hourCycle).join('|');
  // styles
  data.styles = {};
  const S = ['full', 'long', 'medium', 'short'];
  for (const ds of S) {
    const dp = tokens(l, { dateStyle: ds });
    data.styles['d' + ds] = dp;
    for (const ts of S) {
      const tp = tokens(l, { timeStyle: ts });
      const full = tokens(l, { dateStyle: ds, timeStyle: ts });
      const g = full.replace(tp, '{0}').replace(dp, '{1}');
      if (!g.includes('{0}') || !g.includes('{1}')) throw new Error('style glue');
      if (ts === 'full') data.styles['g' + ds] = g;
      else if (g !== data.styles['g' + ds]) throw new Error('style glue varies ' + l + ds + ts);
      for (const [o, k] of [[{}, ''], [{ hour12: true }, '12'], [{ hour12: false }, '23'], [{ hourCycle: 'h11' }, 'h11'], [{ hourCycle: 'h12' }, 'h12'], [{ hourCycle: 'h23' }, 'h23'], [{ hourCycle: 'h24' }, 'h24']]) {
        const hk = k === '' ? '' : k === '12' || k === 'h11' || k === 'h12' ? '12' : '23';
        const f = tokens(l, { dateStyle: ds, timeStyle: ts, ...o });
        if (tokens(l, { timeStyle: ts, ...o }) !== tokens(l, { timeStyle: ts, ...(hk === '' ? {} : { hour12: hk === '12' }) })) throw new Error('time style hc ' + l + k);
        if (f !== g.replace('{0}', tokens(l, { timeStyle: ts, ...o })).replace('{1}', dp)) data.styles['c' + ds + ts + k] = f;
      }
    }
  }
  for (const ts of S) for (const [o, k] of [[{}, ''], [{ hour12: true }, '12'], [{ hour12: false }, '23']]) data.styles['t' + ts + k] = tokens(l, { timeStyle: ts, ...o });
  // component date keys
  data.date = {}; data.glue = {};
  for (const E of ['', 'long', 'short', 'narrow']) for (const y of ['', 'numeric']) for (const M of ['', 'numeric', 'short', 'long', 'narrow']) for (const d of ['', 'numeric']) {
    const o = {}; if (E) o.weekday = E; if (y) o.year = y; if (M) o.month = M; if (d) o.day = d;
    if (!E && !y && !M && !d) continue;
    const key = (E ? 'E' + E[0] : '') + (y ? 'y' : '') + (M ? 'M' + M[0] + (M === 'narrow' ? 'a' : '') : '') + (d ? 'd' : '');
    data.date[key] = tokens(l, o);
    if (E && E !== 'long' && data.date[key] === data.date[key.replace(/^E./, 'El')]) delete data.date[key];
    const dp = tokens(l, o), tp = tokens(l, { hour: 'numeric', minute: 'numeric', second: 'numeric' });
    const full = tokens(l, { ...o, hour: 'numeric', minute: 'numeric', second: 'numeric' });
    let g = full.replace(tp, '{0}');
    if (g === full) throw new Error('glue ' + l + key + ' ' + full);
    let g2 = g.replace(dp, '{1}');
    if (g2 === g) g2 = g.replace(dp.replace('{c}', '{E}').replace(/\{L+\}/, (m) => m.replace(/L/g, 'M')), '{1F}');
    if (g2 === g) throw new Error('glue ' + l + key + ' ' + full);
    data.glue[key] = g2;
  }
  data.time = {};
  for (const hc of ['12', '23']) for (const h of ['', 'numeric']) for (const m of ['', 'numeric']) for (const s of ['', 'numeric']) for (const z of ['', 'short', 'long']) {
    const o = {}; if (h) { o.hour = h; o.hour12 = hc === '12'; } if (m) o.minute = m; if (s) o.second = s; if (z) o.timeZoneName = z;
    if (!h && !m && !s) continue;
    if (!h && hc === '23') continue;
    const key = (h ? 'h' + hc : '') + (m ? 'm' : '') + (s ? 's' : '') + (z ? 'z' + z[0] : '');
    data.time[key] = tokens(l, o);
    // 2-digit variants that are not the numeric pattern with padded fields
    for (const h2 of h ? ['numeric', '2-digit'] : ['']) for (const m2 of m ? ['numeric', '2-digit'] : ['']) for (const s2 of s ? ['numeric', '2-digit'] : ['']) {
      if (h2 !== '2-digit' && m2 !== '2-digit' && s2 !== '2-digit') continue;
      const o2 = { ...o }; if (h) o2.hour = h2; if (m) o2.minute = m2; if (s) o2.second = s2;
      const k2 = (h ? 'h' + hc + (h2 === '2-digit' ? '2' : '') : '') + (m ? 'm' + (m2 === '2-digit' ? '2' : '') : '') + (s ? 's' + (s2 === '2-digit' ? '2' : '') : '') + (z ? 'z' + z[0] : '');
      const exact = tokens(l, o2);
      let sub = data.time[key];
      if (h2 === '2-digit') sub = sub.replace('{h}', '{hh}');
      if (m2 === '2-digit') sub = sub.replace('{m}', '{mm}');
      if (s2 === '2-digit') sub = sub.replace('{s}', '{ss}');
      if (sub !== exact) data.time[k2] = exact;
    }
  }
  for (const E of ['', 'long', 'short', 'narrow']) for (const y of ['', 'numeric', '2-digit']) for (const M of ['', 'numeric', '2-digit', 'short', 'long', 'narrow']) for (const d of ['', 'numeric', '2-digit']) {
    if (y !== '2-digit' && M !== '2-digit' && d !== '2-digit') continue;
    const o = {}; if (E) o.weekday = E; if (y) o.year = y; if (M) o.month = M; if (d) o.day = d;
    const key = (E ? 'E' + E[0] : '') + (y ? 'y' : '') + (M ? 'M' + (M === '2-digit' ? 'n' : M[0]) + (M === 'narrow' ? 'a' : '') : '') + (d ? 'd' : '');
    const k2 = (E ? 'E' + E[0] : '') + (y ? 'y' + (y === '2-digit' ? '2' : '') : '') + (M ? 'M' + (M === '2-digit' ? '2' : M[0]) + (M === 'narrow' ? 'a' : '') : '') + (d ? 'd' + (d === '2-digit' ? '2' : '') : '');
    const exact = tokens(l, o);
    let sub = data.date[key] || data.date[key.replace(/^E./, 'El')];
    if (y === '2-digit') sub = sub.replace('{y}', '{yy}');
    if (M === '2-digit') sub = sub.replace('{M}', '{MM}');
    if (d === '2-digit') sub = sub.replace('{d}', '{dd}');
    if (sub !== exact) data.date[k2] = exact;
  }
  out[l] = data;
}
// compress glue: most common per locale
for (const l of L) {
  const cnt = {};
  for (const g of Object.values(out[l].glue)) cnt[g] = (cnt[g] || 0) + 1;
  const def = Object.entries(cnt).sort((a, b) => b[1] - a[1])[0][0];
  const ex = {};
  for (const [k, g] of Object.entries(out[l].glue)) if (g !== def) ex[k] = g;
  out[l].glue = { '': def, ...ex };
}
const esc = (s) => s.replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
process.stdout.write(esc(JSON.stringify(out)));
