// The dashboard's only way to the server: the public HTTP API (/v1), with the API key from
// sessionStorage in the Authorization header. The key is never put in a URL, in localStorage or
// in a cookie; it goes when the tab closes or on sign-out.

const KEY_NAME = "embedsandbox.apiKey";

export class ApiError extends Error {
	constructor(status, code, message) {
		super(message);
		this.status = status;
		this.code = code;
	}
}

let unauthorized = () => {};

export function onUnauthorized(handler) {
	unauthorized = handler;
}

export function getKey() {
	return sessionStorage.getItem(KEY_NAME);
}

export function setKey(key) {
	sessionStorage.setItem(KEY_NAME, key);
}

export function clearKey() {
	sessionStorage.removeItem(KEY_NAME);
}

// `key` is given only by the sign-in form, whose own 401 is not a sign-out.
export async function api(method, path, body, key = null) {
	const signedIn = key === null;
	if (signedIn) key = getKey();
	const headers = { Accept: "application/json" };
	if (key) headers.Authorization = `Bearer ${key}`;
	const init = { method, headers, cache: "no-store", credentials: "omit", redirect: "error" };
	if (body !== undefined) {
		headers["Content-Type"] = "application/json";
		init.body = JSON.stringify(body);
	}
	let response;
	try {
		response = await fetch(path, init);
	} catch (error) {
		throw new ApiError(0, 14, `the server could not be reached (${error.message})`);
	}
	const text = await response.text();
	let data = null;
	try {
		data = text ? JSON.parse(text) : null;
	} catch {
		data = null;
	}
	if (!response.ok) {
		const message = data && typeof data.message === "string" ? data.message : `HTTP ${response.status}`;
		const error = new ApiError(response.status, data ? data.code : null, message);
		if (response.status === 401 && signedIn) unauthorized(error);
		throw error;
	}
	return data;
}

export function query(params) {
	const search = new URLSearchParams();
	for (const [name, value] of Object.entries(params)) {
		if (value !== null && value !== undefined && value !== "" && value !== false) search.set(name, String(value));
	}
	const text = search.toString();
	return text ? `?${text}` : "";
}

// The run facts of an execution's details, whatever its type: the `ExecuteResponse`.
export function runOf(details) {
	if (!details || !details.response) return null;
	const response = details.response;
	return response.execution ? response.execution : response;
}
