export const id = 6;
export const ids = [6];
export const modules = {

/***/ 44006:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runFakeServer: () => (/* binding */ runFakeServer)
});

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./src/fake-server/python-json.ts
/**
 * JSON text in the layouts MLflow 3.17.2 sends. Protobuf responses are
 * `json.dumps(..., indent=2)`, errors are `json.dumps` with its default
 * separators, and the auth app's Flask `jsonify` responses are compact
 * with a trailing newline. Python escapes every non-ASCII character by
 * default.
 */
/** Replaces non-ASCII characters with `\uXXXX`, as Python's json does. */
function escapeNonAscii(text) {
    return text.replace(/[\u007f-\uffff]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/** Formats a protobuf response: two-space indent, no trailing newline. */
function formatMessage(value) {
    return escapeNonAscii(JSON.stringify(value, null, 2));
}
/** Formats a flat error object with Python's `", "` and `": "` separators. */
function formatError(fields) {
    const entries = Object.entries(fields).map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`);
    return escapeNonAscii(`{${entries.join(', ')}}`);
}
/** Formats a Flask `jsonify` response: compact, sorted keys, newline. */
function formatJsonify(value) {
    return `${JSON.stringify(sortKeys(value))}\n`;
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value === null || typeof value !== 'object')
        return value;
    const sorted = {};
    for (const key of Object.keys(value).sort()) {
        sorted[key] = sortKeys(value[key]);
    }
    return sorted;
}
/** Returns Python's `type(value).__name__` for a parsed JSON value. */
function pythonTypeName(value) {
    if (value === null || value === undefined)
        return 'NoneType';
    if (typeof value === 'string')
        return 'str';
    if (typeof value === 'boolean')
        return 'bool';
    if (typeof value === 'number')
        return Number.isInteger(value) ? 'int' : 'float';
    if (Array.isArray(value))
        return 'list';
    return 'dict';
}
/**
 * Formats like Python's
 * `json.dumps(value, sort_keys=True, separators=(",", ":"))`.
 */
function pythonRepr(value) {
    return escapeNonAscii(JSON.stringify(sortKeys(value ?? null)));
}

;// CONCATENATED MODULE: ./src/fake-server/mlflow-error.ts

/** HTTP statuses of the MLflow error codes the fake sends. */
const STATUS_BY_CODE = {
    INVALID_PARAMETER_VALUE: 400,
    RESOURCE_ALREADY_EXISTS: 400,
    BAD_REQUEST: 400,
    UNAUTHENTICATED: 401,
    PERMISSION_DENIED: 403,
    RESOURCE_DOES_NOT_EXIST: 404,
    REQUEST_LIMIT_EXCEEDED: 429,
    INTERNAL_ERROR: 500,
    NOT_IMPLEMENTED: 501,
    TEMPORARILY_UNAVAILABLE: 503
};
/** The `error_class` MLflow 3.17.2 adds for each error code. */
const CLASS_BY_CODE = {
    INVALID_PARAMETER_VALUE: 'INVALID_PARAMETER_VALUE',
    BAD_REQUEST: 'INVALID_PARAMETER_VALUE',
    RESOURCE_ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
    RESOURCE_DOES_NOT_EXIST: 'RESOURCE_NOT_FOUND',
    PERMISSION_DENIED: 'PERMISSION_DENIED'
};
/** An MLflow REST error: `{"error_code", "message"}` with its status. */
class MlflowError extends Error {
    errorCode;
    status;
    constructor(errorCode, message) {
        super(message);
        this.name = 'MlflowError';
        this.errorCode = errorCode;
        this.status = STATUS_BY_CODE[errorCode] ?? 500;
    }
    /** Returns the error body fields in MLflow's order. */
    toFields() {
        const errorClass = CLASS_BY_CODE[this.errorCode];
        return {
            error_code: this.errorCode,
            message: this.message,
            sqlstate: 'KAM00',
            ...(errorClass ? { error_class: errorClass } : {})
        };
    }
}
/** Creates an `INVALID_PARAMETER_VALUE` error. */
function invalidParameter(message) {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
}
/** Creates a `RESOURCE_DOES_NOT_EXIST` error. */
function notFound(message) {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
}
const API_DOCS_HINT = ' See the API docs for more information about request parameters.';
/** Creates MLflow's error for a required request parameter that is absent. */
function missingParameter(name) {
    return invalidParameter(`Missing value for required parameter '${name}'.${API_DOCS_HINT}`);
}
/** Creates MLflow's error for a parameter of the wrong type or range. */
function invalidParameterValue(name, value) {
    return invalidParameter(`Invalid value ${pythonRepr(value)} for parameter '${name}' supplied:  ` +
        `Hint: Value was of type '${pythonTypeName(value)}'.${API_DOCS_HINT}`);
}

;// CONCATENATED MODULE: ./src/fake-server/auth/permissions.ts
/**
 * MLflow's basic-auth permission levels as of 3.17.2. `USE` sits between
 * READ and EDIT; `DENY` is a resource grant that withholds everything, even
 * where the default permission would allow it.
 */
const PERMISSION_NAMES = [
    'READ',
    'USE',
    'EDIT',
    'MANAGE',
    'NO_PERMISSIONS',
    'DENY'
];
const RANKS = {
    DENY: 0,
    NO_PERMISSIONS: 0,
    READ: 1,
    USE: 2,
    EDIT: 3,
    MANAGE: 4
};
/** Returns the abilities of a permission level. */
function permissionOf(name) {
    const rank = RANKS[name];
    return {
        name,
        canRead: rank >= 1,
        canUse: rank >= 2,
        canUpdate: rank >= 3,
        canDelete: rank >= 4,
        canManage: rank >= 4
    };
}
/** Checks whether a string is one of MLflow's permission names. */
function isPermissionName(value) {
    return PERMISSION_NAMES.includes(value);
}

;// CONCATENATED MODULE: ./src/fake-server/auth/users.ts


/** MLflow's minimum password length for basic-auth users. */
const MIN_PASSWORD_LENGTH = 12;
/**
 * Users, their passwords and bearer tokens, and per-resource grants. A
 * user's permission on a resource is their grant, or else the default
 * permission; admins bypass every check.
 */
class UserDirectory {
    defaultPermission;
    users = new Map();
    tokens = new Map();
    grants = new Map();
    constructor(defaultPermission = 'READ') {
        this.defaultPermission = defaultPermission;
    }
    /** Creates a user; MLflow requires passwords of 12+ characters. */
    create(username, password, isAdmin = false) {
        if (password.length < MIN_PASSWORD_LENGTH) {
            throw invalidParameter(`Password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
        }
        if (this.users.has(username)) {
            throw new MlflowError('RESOURCE_ALREADY_EXISTS', `User (username=${username}) already exists.`);
        }
        const user = { id: this.users.size + 1, username, password, isAdmin };
        this.users.set(username, user);
        return user;
    }
    /** Finds a user by name. */
    find(username) {
        return this.users.get(username);
    }
    /** Gets a user by name or raises MLflow's not-found error. */
    get(username) {
        const user = this.users.get(username);
        if (!user)
            throw notFound(`User with username=${username} not found`);
        return user;
    }
    /** Returns the user whose password matches, if any. */
    authenticate(username, password) {
        const user = this.users.get(username);
        return user?.password === password ? user : undefined;
    }
    /** Maps a bearer token to an existing user. */
    addToken(token, username) {
        this.get(username);
        this.tokens.set(token, username);
    }
    /** Returns the user a bearer token belongs to, if any. */
    authenticateToken(token) {
        const username = this.tokens.get(token);
        return username === undefined ? undefined : this.users.get(username);
    }
    /**
     * Grants a permission on one resource. Like MLflow 3.17.2, a resource
     * grant cannot be NO_PERMISSIONS (DENY withholds access instead).
     */
    grant(username, type, id, permission) {
        if (!isPermissionName(permission)) {
            throw invalidParameter(`Invalid permission '${permission}'. Valid permissions are: ` +
                "('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS', 'DENY')");
        }
        if (permission === 'NO_PERMISSIONS') {
            throw invalidParameter(`Invalid permission 'NO_PERMISSIONS' for resource_type='${type}'. ` +
                'Resource-level grants accept only: ' +
                "('DENY', 'EDIT', 'MANAGE', 'READ', 'USE').");
        }
        this.get(username);
        this.grants.set(grantKey(username, type, id), permission);
    }
    /** Removes a user's grant on one resource. */
    revoke(username, type, id) {
        this.get(username);
        this.grants.delete(grantKey(username, type, id));
    }
    /** Removes every user's grants on a deleted resource. */
    revokeAll(type, id) {
        for (const key of [...this.grants.keys()]) {
            if (key.endsWith(`\u0000${type}\u0000${id}`))
                this.grants.delete(key);
        }
    }
    /** Returns a user's permission on a resource. */
    permission(username, type, id) {
        const granted = this.grants.get(grantKey(username, type, id));
        return permissionOf(granted ?? this.defaultPermission);
    }
}
function grantKey(username, type, id) {
    return `${username}\u0000${type}\u0000${id}`;
}

;// CONCATENATED MODULE: ./src/fake-server/capture.ts
/** The requests a fake has received, oldest first. */
class RequestLog {
    captured = [];
    /** Every captured request. */
    get entries() {
        return this.captured;
    }
    /** Records one request. */
    record(method, url, headers, bodySize) {
        const query = {};
        for (const key of new Set(url.searchParams.keys())) {
            const values = url.searchParams.getAll(key);
            query[key] = values.length === 1 ? (values[0] ?? '') : values;
        }
        const flat = {};
        for (const [name, value] of Object.entries(headers)) {
            if (value !== undefined) {
                flat[name] = Array.isArray(value) ? value.join(', ') : value;
            }
        }
        const entry = { method, path: url.pathname, query, headers: flat, bodySize };
        this.captured.push(entry);
        return entry;
    }
    /** The requests with a method and path. */
    matching(filter) {
        return this.captured.filter(entry => {
            if (filter.method && entry.method !== filter.method.toUpperCase()) {
                return false;
            }
            const { path } = filter;
            if (path === undefined)
                return true;
            if (path instanceof RegExp)
                return path.test(entry.path);
            return path.startsWith('/')
                ? entry.path === path
                : entry.path.endsWith(`/${path}`);
        });
    }
    /** Forgets every captured request. */
    clear() {
        this.captured = [];
    }
}

;// CONCATENATED MODULE: ./src/fake-server/faults/canned.ts
/** Turns a canned response into one the server can write. */
function cannedToResponse(canned) {
    const headers = {};
    for (const [name, value] of Object.entries(canned.headers ?? {})) {
        headers[name.toLowerCase()] = value;
    }
    const { body } = canned;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
        return { status: canned.status, headers, body: body ?? '' };
    }
    headers['content-type'] ??= 'application/json';
    return { status: canned.status, headers, body: JSON.stringify(body) };
}
/** Builds nginx's error page for a status, as sent with `server_tokens off`. */
function nginxPage(status, reason) {
    const title = `${status} ${reason}`;
    return {
        status,
        headers: { 'content-type': 'text/html', server: 'nginx' },
        body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
            `<center><h1>${title}</h1></center>\r\n` +
            '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
    };
}

;// CONCATENATED MODULE: ./src/fake-server/exchange.ts

/** Flask's content type for plain string responses. */
const FLASK_TEXT = 'text/html; charset=utf-8';
/** Builds a 200 protobuf response in MLflow's JSON layout. */
function messageResponse(message) {
    return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: formatMessage(message)
    };
}
/** Builds MLflow's JSON error response with the error code's status. */
function errorResponse(error) {
    return {
        status: error.status,
        headers: { 'content-type': 'application/json' },
        body: formatError(error.toFields())
    };
}
/**
 * MLflow's error as FastAPI sends it from the native artifact routes:
 * the same fields, compact JSON.
 */
function compactErrorResponse(error) {
    return jsonText(error.status, JSON.stringify(error.toFields()));
}
/** Builds a response with a JSON text body. */
function jsonText(status, body) {
    return { status, headers: { 'content-type': 'application/json' }, body };
}
/** Builds a plain string response with an explicit content type. */
function textResponse(status, body, contentType = FLASK_TEXT) {
    return { status, headers: { 'content-type': contentType }, body };
}
const FLASK_PAGES = {
    404: [
        'Not Found',
        'The requested URL was not found on the server. If you entered the URL ' +
            'manually please check your spelling and try again.'
    ],
    405: [
        'Method Not Allowed',
        'The method is not allowed for the requested URL.'
    ]
};
/** Builds Werkzeug's HTML error page, as Flask sends it for unknown routes. */
function flaskErrorPage(status, headers = {}) {
    const [title, text] = FLASK_PAGES[status] ?? ['Error', ''];
    const body = '<!doctype html>\n<html lang=en>\n' +
        `<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${text}</p>\n`;
    return { status, headers: { 'content-type': FLASK_TEXT, ...headers }, body };
}

;// CONCATENATED MODULE: ./src/fake-server/faults/host-check.ts

/**
 * MLflow's default `--allowed-hosts` (3.5 and later): loopback names with
 * or without a port, and the private IPv4 and IPv6 ranges.
 */
const DEFAULT_ALLOWED_HOSTS = [
    'localhost',
    '127.0.0.1',
    '[::1]',
    '0.0.0.0',
    'localhost:*',
    '127.0.0.1:*',
    '[[]::1]:*',
    '0.0.0.0:*',
    '192.168.*',
    '10.*',
    ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`),
    'fc00:*',
    'fd00:*'
];
/** The 403 MLflow sends for a `Host` header it does not allow. */
const REJECTED_HOST_RESPONSE = textResponse(403, 'Invalid Host header - possible DNS rebinding attack detected', 'text/plain');
/**
 * Checks whether MLflow would accept a `Host` header. The whole header,
 * port included, must match exactly or by an fnmatch glob, and `*`
 * allows any host.
 */
function isAllowedHost(allowed, host) {
    if (!host)
        return false;
    if (allowed.includes('*'))
        return true;
    return allowed.some(pattern => pattern.includes('*') ? globToRegExp(pattern).test(host) : pattern === host);
}
/** Checks whether a path skips the host check: `/health` or `/version`. */
function skipsHostCheck(path) {
    return path === '/health' || path === '/version';
}
/** Converts an fnmatch pattern (`*`, `?`, `[...]`, `[!...]`) to a RegExp. */
function globToRegExp(pattern) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
        const char = pattern[i] ?? '';
        if (char === '*')
            source += '.*';
        else if (char === '?')
            source += '.';
        else if (char === '[') {
            const end = pattern.indexOf(']', i + 2);
            if (end < 0) {
                source += '\\[';
                continue;
            }
            let set = pattern.slice(i + 1, end);
            if (set.startsWith('!'))
                set = `^${set.slice(1)}`;
            source += `[${set.replace(/\\/g, '\\\\')}]`;
            i = end;
        }
        else
            source += char.replace(/[.+^${}()|\\/]/g, '\\$&');
    }
    return new RegExp(`^${source}$`, 's');
}

;// CONCATENATED MODULE: ./src/fake-server/faults/rate-limit.ts

/** A counter of requests per window that responds 429 beyond the limit. */
class RateLimiter {
    config;
    now;
    windowStart = 0;
    count = 0;
    constructor(config, now) {
        this.config = config;
        this.now = now;
    }
    /** Counts a request; returns a 429 response when it is over the limit. */
    check() {
        const time = this.now();
        if (this.count === 0 || time - this.windowStart >= this.config.windowMs) {
            this.windowStart = time;
            this.count = 0;
        }
        this.count++;
        if (this.count <= this.config.limit)
            return undefined;
        const waitMs = this.windowStart + this.config.windowMs - time;
        const retryAfter = this.config.retryAfter === 'http-date'
            ? new Date(time + waitMs).toUTCString()
            : String(Math.max(1, Math.ceil(waitMs / 1000)));
        return {
            status: 429,
            headers: {
                'content-type': 'application/json',
                'retry-after': retryAfter
            },
            body: formatError({
                error_code: 'REQUEST_LIMIT_EXCEEDED',
                message: 'Rate limit exceeded; retry after the Retry-After delay.'
            })
        };
    }
}

;// CONCATENATED MODULE: ./src/fake-server/faults/rules.ts
/** A rule with its use counters. */
class ActiveRule {
    id;
    rule;
    uses = 0;
    constructor(id, rule) {
        this.id = id;
        this.rule = rule;
    }
    /** Checks whether the rule applies to a request. */
    matches(method, path) {
        if (this.rule.method && this.rule.method.toUpperCase() !== method) {
            return false;
        }
        if (this.exhausted())
            return false;
        const pattern = this.rule.path;
        if (pattern instanceof RegExp)
            return pattern.test(path);
        if (pattern.startsWith('/'))
            return path === pattern;
        return path.endsWith(`/${pattern}`);
    }
    /** Checks whether the rule has acted on as many requests as it may. */
    exhausted() {
        const limit = this.rule.responses?.length ?? this.rule.times;
        return limit !== undefined && this.uses >= limit;
    }
    /** Counts one use and returns what to do before handling. */
    consume() {
        const index = this.uses++;
        if (this.rule.drop)
            return { kind: 'drop' };
        if (this.rule.respond)
            return { kind: 'respond', response: this.rule.respond };
        const next = this.rule.responses?.[index];
        if (next === undefined || next === 'pass')
            return { kind: 'pass' };
        return { kind: 'respond', response: next };
    }
}

;// CONCATENATED MODULE: ./src/fake-server/faults/faults.ts




/** nginx's 504 response when the upstream does not respond in time. */
const GATEWAY_TIMEOUT = {
    status: 504,
    headers: nginxPage(504, 'Gateway Time-out').headers,
    body: nginxPage(504, 'Gateway Time-out').body
};
/**
 * The fault switches of a running fake: canned responses, sequences,
 * delays, dropped connections, the host allow-list, body limits, a rate
 * limit, the version status plan and search quirks. Each can change while
 * the server runs, from code or through the control endpoints.
 */
class Faults {
    registry;
    quirks;
    now;
    defaults;
    /** `Host` patterns MLflow would accept; `['*']` allows any host. */
    allowedHosts;
    /** Like nginx `client_max_body_size`: larger bodies get 413. */
    maxBodyBytes;
    /** Like an nginx that rejects chunked uploads: PUT needs a length. */
    requireContentLength = false;
    rules = [];
    nextId = 1;
    limiter;
    constructor(registry, quirks, now, defaults) {
        this.registry = registry;
        this.quirks = quirks;
        this.now = now;
        this.defaults = defaults;
        this.allowedHosts = defaults.allowedHosts ?? DEFAULT_ALLOWED_HOSTS;
        this.registry.statusPlan = defaults.versionStatus;
    }
    /** Adds a rule and returns its id; earlier rules win. */
    add(rule) {
        const id = this.nextId++;
        this.rules.push(new ActiveRule(id, rule));
        return id;
    }
    /** Removes one rule. */
    remove(id) {
        this.rules = this.rules.filter(rule => rule.id !== id);
    }
    /** Lists the rules still in place, with their ids. */
    list() {
        return this.rules.map(active => ({
            id: active.id,
            rule: active.rule,
            exhausted: active.exhausted()
        }));
    }
    /** Responds to matching requests with a canned response. */
    respond(path, response, target = {}) {
        return this.add({ path, respond: response, ...target });
    }
    /** Fails the next `times` matching requests, then lets them pass. */
    failTimes(path, times, response, method) {
        return this.add({ path, respond: response, times, ...methodOf(method) });
    }
    /** Responds to matching requests in turn; `pass` lets one through. */
    sequence(path, responses, method) {
        return this.add({ path, responses, ...methodOf(method) });
    }
    /** Delays matching requests. */
    delay(path, ms, target = {}) {
        return this.add({ path, delayMs: ms, ...target });
    }
    /** Destroys the connection of matching requests before handling them. */
    drop(path, target = {}) {
        return this.add({ path, drop: true, ...target });
    }
    /** Handles matching requests, then drops the connection unanswered. */
    dropAfterCommit(path, target = {}) {
        return this.add({ path, afterCommit: 'drop', ...target });
    }
    /** Handles matching requests, then responds 504 (or another response). */
    respondAfterCommit(path, response = GATEWAY_TIMEOUT, target = {}) {
        return this.add({ path, afterCommit: response, ...target });
    }
    /** Sets the `Host` allow-list; undefined restores MLflow's defaults. */
    allowHosts(hosts) {
        this.allowedHosts =
            hosts ?? this.defaults.allowedHosts ?? DEFAULT_ALLOWED_HOSTS;
    }
    /** Sets the status plan for versions created from now on. */
    setVersionStatus(plan) {
        this.registry.statusPlan = plan;
    }
    /** Switches search quirks on or off. */
    setQuirks(quirks) {
        Object.assign(this.quirks, quirks);
    }
    /** Sets or removes the rate limit. */
    setRateLimit(config) {
        this.limiter = config && new RateLimiter(config, this.now);
    }
    /** Restores the settings the server started with and drops every rule. */
    reset() {
        this.rules = [];
        this.limiter = undefined;
        this.maxBodyBytes = undefined;
        this.requireContentLength = false;
        this.allowedHosts = this.defaults.allowedHosts ?? DEFAULT_ALLOWED_HOSTS;
        this.registry.statusPlan = this.defaults.versionStatus;
        Object.assign(this.quirks, this.defaults.quirks);
    }
    /** Applies the rate limit to one request. */
    checkRateLimit() {
        return this.limiter?.check();
    }
    /** Applies the body limits an nginx in front would enforce. */
    checkBodyLimits(method, headers, bodySize) {
        if (this.requireContentLength && method === 'PUT') {
            if (headers['content-length'] === undefined) {
                return nginxPage(411, 'Length Required');
            }
        }
        if (this.maxBodyBytes !== undefined && bodySize > this.maxBodyBytes) {
            return nginxPage(413, 'Request Entity Too Large');
        }
        return undefined;
    }
    /** Finds the first rule for a request and counts one use of it. */
    decide(method, path) {
        const active = this.rules.find(rule => rule.matches(method, path));
        if (!active)
            return { delayMs: 0, before: { kind: 'pass' } };
        const { afterCommit, delayMs } = active.rule;
        return {
            delayMs: delayMs ?? 0,
            before: active.consume(),
            ...(afterCommit === undefined ? {} : { afterCommit })
        };
    }
}
function methodOf(method) {
    return method === undefined ? {} : { method };
}

;// CONCATENATED MODULE: ./src/fake-server/options.ts
/** The admin of a basic-auth fake when the options name none. */
const DEFAULT_ADMIN = {
    username: 'admin',
    password: 'fake-admin-password'
};

;// CONCATENATED MODULE: ./src/fake-server/auth/access.ts

const FULL = permissionOf('MANAGE');
/** Access for a server without auth, or for an admin. */
function unrestrictedAccess(user) {
    return {
        user,
        unrestricted: true,
        model: () => FULL,
        experiment: () => FULL,
        fallback: () => FULL
    };
}
/** Access for an authenticated user: grants, then the default. */
function userAccess(user, users) {
    if (user.isAdmin)
        return unrestrictedAccess(user);
    return {
        user,
        unrestricted: false,
        model: name => users.permission(user.username, 'registered_model', name),
        experiment: id => users.permission(user.username, 'experiment', id),
        fallback: () => permissionOf(users.defaultPermission)
    };
}

;// CONCATENATED MODULE: ./src/fake-server/auth/authenticate.ts
/**
 * Finds the user behind an `Authorization` header: Basic credentials as
 * MLflow's basic-auth app checks them, or a Bearer token the fake maps to
 * a user (real basic-auth servers reject Bearer unless a custom
 * `authorization_function` accepts it).
 */
function authenticate(headers, users) {
    const header = headers.authorization ?? '';
    const [scheme = '', credentials = ''] = header.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() === 'basic') {
        const decoded = Buffer.from(credentials, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0)
            return undefined;
        return users.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
    }
    if (scheme.toLowerCase() === 'bearer') {
        return users.authenticateToken(credentials);
    }
    return undefined;
}
/**
 * Paths MLflow's basic-auth app serves without login, below the static
 * prefix: static files, the favicon, `/health` and server-info.
 * `/version` needs login.
 */
function isUnprotectedPath(path) {
    return (path.startsWith('/static') ||
        path.startsWith('/favicon.ico') ||
        path.startsWith('/health') ||
        /^\/(ajax-)?api\/3\.0\/mlflow\/server-info$/.test(path));
}

;// CONCATENATED MODULE: ./src/fake-server/auth/hokusai-gateway.ts
/** The 403 the gateway sends to a valid key that is not a registry admin. */
const REGISTRY_ADMIN_REQUIRED = {
    detail: 'Admin access required for the model registry',
    error: 'REGISTRY_ADMIN_REQUIRED'
};
/** The gateway's health paths, which it serves without a key. */
const HEALTH_PATHS = new Set(['/health', '/mlflow/health']);
/**
 * Checks one request as the gateway does; returns its refusal, or
 * undefined when the request may reach MLflow. `path` is the full path,
 * with any static prefix.
 */
function checkHokusaiGateway(gateway, method, path, headers) {
    if (HEALTH_PATHS.has(path) || method === 'OPTIONS')
        return undefined;
    const key = extractApiKey(headers);
    if (key === undefined)
        return detail(401, { detail: 'API key required' });
    const entry = gateway.keys[key];
    if (!entry)
        return detail(401, { detail: 'Invalid or expired API key' });
    if (!entry.registryAdmin)
        return detail(403, REGISTRY_ADMIN_REQUIRED);
    return undefined;
}
/** Reads the key as the gateway does: Bearer, then ApiKey, then X-API-Key. */
function extractApiKey(headers) {
    const authorization = headers.authorization ?? '';
    if (authorization.startsWith('Bearer '))
        return authorization.slice(7);
    if (authorization.startsWith('ApiKey '))
        return authorization.slice(7);
    const apiKey = headers['x-api-key'];
    const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
    return value === undefined || value === '' ? undefined : value;
}
function detail(status, body) {
    return {
        status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
    };
}

;// CONCATENATED MODULE: ./src/fake-server/auth/refusals.ts

/** The basic-auth app's 401 text in MLflow 3.17.2. */
const UNAUTHENTICATED_TEXT = 'You are not authenticated. Please see ' +
    'https://www.mlflow.org/docs/latest/auth/index.html' +
    '#authenticating-to-mlflow on how to authenticate.';
/** The basic-auth app's 403 text. */
const PERMISSION_DENIED_TEXT = 'Permission denied';
/** The challenge MLflow's basic-auth app sends with every 401. */
const BASIC_CHALLENGE = 'Basic realm="mlflow"';
/** Builds the 401 for a request without valid credentials. */
function unauthenticated(shape, engine) {
    const response = refusal(401, 'UNAUTHENTICATED', UNAUTHENTICATED_TEXT, {
        shape,
        engine
    });
    return {
        ...response,
        headers: { ...response.headers, 'www-authenticate': BASIC_CHALLENGE }
    };
}
/** Builds the 403 for an authenticated user without the permission. */
function permissionDenied(shape, engine) {
    return refusal(403, 'PERMISSION_DENIED', PERMISSION_DENIED_TEXT, {
        shape,
        engine
    });
}
function refusal(status, code, text, how) {
    if (how.shape === 'message') {
        return jsonRefusal(status, { message: text });
    }
    if (how.shape === 'error') {
        return jsonRefusal(status, { error: { code, message: text } });
    }
    // Flask labels plain strings as HTML; the FastAPI routes send text/plain.
    const contentType = how.engine === 'flask' ? FLASK_TEXT : 'text/plain; charset=utf-8';
    return { status, headers: { 'content-type': contentType }, body: text };
}
function jsonRefusal(status, body) {
    return {
        status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
    };
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 9 modules
var schemas = __webpack_require__(27597);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/errors.js
var errors = __webpack_require__(961);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/errors.js
var core_errors = __webpack_require__(37428);
;// CONCATENATED MODULE: ./src/fake-server/control.ts

/**
 * The fake's own JSON endpoints below its control prefix (`/__fake` by
 * default), for tests in other processes: requests, faults, hosts, limits,
 * rate limit, version status, quirks and reset. They skip auth, faults and
 * request capture.
 */
const cannedSchema = schemas/* object */.Ikc({
    status: schemas/* number */.aig().int().min(100).max(599),
    headers: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
    body: schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J())]).optional()
});
const ruleSchema = schemas/* object */.Ikc({
    method: schemas/* string */.YjP().optional(),
    path: schemas/* string */.YjP().min(1).optional(),
    /** A RegExp source, for rules that match many paths. */
    pathPattern: schemas/* string */.YjP().min(1).optional(),
    times: schemas/* number */.aig().int().positive().optional(),
    delayMs: schemas/* number */.aig().nonnegative().optional(),
    respond: cannedSchema.optional(),
    responses: schemas/* array */.YOg(schemas/* union */.KCZ([cannedSchema, schemas/* literal */.euz('pass')])).optional(),
    drop: schemas/* boolean */.zMY().optional(),
    afterCommit: schemas/* union */.KCZ([schemas/* literal */.euz('drop'), cannedSchema]).optional()
})
    .refine(rule => rule.path !== undefined || rule.pathPattern !== undefined, {
    error: 'a fault rule needs "path" or "pathPattern"'
});
const hostsSchema = schemas/* object */.Ikc({ allowed: schemas/* array */.YOg(schemas/* string */.YjP()).nullable() });
const limitsSchema = schemas/* object */.Ikc({
    maxBodyBytes: schemas/* number */.aig().int().nonnegative().nullable().optional(),
    requireContentLength: schemas/* boolean */.zMY().optional()
});
const rateLimitSchema = schemas/* object */.Ikc({
    limit: schemas/* number */.aig().int().nonnegative(),
    windowMs: schemas/* number */.aig().positive(),
    retryAfter: schemas/* enum */.k5n(['seconds', 'http-date']).optional()
});
const versionStatusSchema = schemas/* object */.Ikc({
    pendingReads: schemas/* number */.aig().int().nonnegative(),
    outcome: schemas/* enum */.k5n(['READY', 'FAILED_REGISTRATION']),
    statusMessage: schemas/* string */.YjP().optional()
});
const quirksSchema = schemas/* object */.Ikc({
    emptyModelSearch: schemas/* boolean */.zMY().optional(),
    versionSearchAliases: schemas/* boolean */.zMY().optional(),
    emptyVersionSearch: schemas/* boolean */.zMY().optional(),
    singleQuotedFilters: schemas/* boolean */.zMY().optional()
});
const resetSchema = schemas/* object */.Ikc({ data: schemas/* boolean */.zMY().optional() });
function json(status, body) {
    return {
        status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
    };
}
function parseBody(schema, body) {
    const text = body.toString('utf8').trim();
    return schema.parse(text === '' ? {} : JSON.parse(text));
}
/** Handles one control request, whose `path` is below the control prefix. */
async function handleControl(target, method, path, body) {
    try {
        return await dispatch(target, `${method} ${path}`, body);
    }
    catch (error) {
        const message = error instanceof errors/* ZodError */.G ? core_errors/* prettifyError */.S1(error) : String(error);
        return json(400, { error: message });
    }
}
async function dispatch(target, route, body) {
    const { faults, requests } = target;
    const ruleId = /^DELETE \/faults\/(\d+)$/.exec(route)?.[1];
    if (ruleId !== undefined) {
        faults.remove(Number(ruleId));
        return json(200, {});
    }
    switch (route) {
        case 'GET /requests':
            return json(200, { requests: requests.entries });
        case 'DELETE /requests':
            requests.clear();
            return json(200, {});
        case 'GET /faults':
            return json(200, { faults: faults.list().map(describeRule) });
        case 'POST /faults':
            return json(200, { id: faults.add(toRule(parseBody(ruleSchema, body))) });
        case 'DELETE /faults':
            for (const { id } of faults.list())
                faults.remove(id);
            return json(200, {});
        case 'PUT /hosts':
            return setHosts(faults, parseBody(hostsSchema, body).allowed);
        case 'PUT /limits':
            return setLimits(faults, parseBody(limitsSchema, body));
        case 'PUT /rate-limit':
            faults.setRateLimit(withoutUndefined(parseBody(rateLimitSchema, body)));
            return json(200, {});
        case 'DELETE /rate-limit':
            faults.setRateLimit(undefined);
            return json(200, {});
        case 'PUT /version-status':
            faults.setVersionStatus(withoutUndefined(parseBody(versionStatusSchema, body)));
            return json(200, {});
        case 'DELETE /version-status':
            faults.setVersionStatus(undefined);
            return json(200, {});
        case 'PUT /quirks':
            faults.setQuirks(withoutUndefined(parseBody(quirksSchema, body)));
            return json(200, {});
        case 'POST /reset':
            return control_reset(target, parseBody(resetSchema, body).data === true);
        default:
            return json(404, { error: `no control endpoint ${route}` });
    }
}
function setHosts(faults, allowed) {
    faults.allowHosts(allowed ?? undefined);
    return json(200, {});
}
function setLimits(faults, limits) {
    if (limits.maxBodyBytes !== undefined) {
        faults.maxBodyBytes = limits.maxBodyBytes ?? undefined;
    }
    if (limits.requireContentLength !== undefined) {
        faults.requireContentLength = limits.requireContentLength;
    }
    return json(200, {});
}
async function control_reset(target, data) {
    target.faults.reset();
    target.requests.clear();
    if (data)
        await target.clearData();
    return json(200, {});
}
function describeRule(entry) {
    const { path } = entry.rule;
    return {
        id: entry.id,
        exhausted: entry.exhausted,
        ...entry.rule,
        path: path instanceof RegExp ? path.source : path
    };
}
function toRule(parsed) {
    const { pathPattern, path, respond, responses, afterCommit, ...rest } = parsed;
    return {
        ...withoutUndefined(rest),
        path: pathPattern === undefined ? (path ?? '') : new RegExp(pathPattern),
        ...(respond ? { respond: toCanned(respond) } : {}),
        ...(responses
            ? { responses: responses.map(r => (r === 'pass' ? r : toCanned(r))) }
            : {}),
        ...(afterCommit === undefined
            ? {}
            : {
                afterCommit: afterCommit === 'drop' ? 'drop' : toCanned(afterCommit)
            })
    };
}
function toCanned(parsed) {
    return withoutUndefined(parsed);
}
/** Drops undefined fields, which zod leaves for absent optional keys. */
function withoutUndefined(value) {
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

;// CONCATENATED MODULE: ./src/fake-server/router.ts
/**
 * Finds the route for a method and path. MLflow serves every REST route
 * under `/ajax-api/` too, so that prefix is read as `/api/`.
 */
function resolveRoute(routes, method, path) {
    const apiPath = path.replace(/^\/ajax-api\//, '/api/');
    const candidates = routes.flatMap(route => {
        const params = matchPath(route.path, apiPath);
        return params ? [{ route, params }] : [];
    });
    const routeMethod = method === 'HEAD' ? 'GET' : method;
    const match = candidates.find(candidate => candidate.route.method === routeMethod);
    if (match)
        return { kind: 'route', match };
    if (candidates.length === 0)
        return { kind: 'none' };
    return { kind: 'wrong-method', allow: allowHeader(candidates) };
}
function allowHeader(candidates) {
    const methods = new Set(['OPTIONS']);
    for (const { route } of candidates) {
        methods.add(route.method);
        if (route.method === 'GET')
            methods.add('HEAD');
    }
    return [...methods].sort().join(', ');
}
function matchPath(pattern, path) {
    const expected = pattern.split('/');
    const actual = path.split('/');
    const params = {};
    for (const [index, part] of expected.entries()) {
        if (part.startsWith('*')) {
            const rest = actual.slice(index).join('/');
            if (rest === '')
                return undefined;
            params[part.slice(1)] = rest;
            return params;
        }
        const segment = actual[index];
        if (segment === undefined)
            return undefined;
        if (part.startsWith(':')) {
            if (segment === '')
                return undefined;
            params[part.slice(1)] = segment;
        }
        else if (part !== segment) {
            return undefined;
        }
    }
    return expected.length === actual.length ? params : undefined;
}

;// CONCATENATED MODULE: ./src/fake-server/pipeline.ts










/**
 * Handles one request. Proxy-like faults act first (rate limit, body
 * limits, fault rules), then MLflow's own layers in its order: the host
 * check, the static prefix, authentication, routing, authorization and
 * the handler. Rules with `afterCommit` act once the handler has run.
 */
async function processRequest(pipeline, incoming) {
    const { method, url, headers, body } = incoming;
    const control = controlPath(pipeline.controlPrefix, url.pathname);
    if (control !== undefined) {
        return handleControl(pipeline, method, control, body);
    }
    pipeline.requests.record(method, url, headers, body.length);
    const { faults } = pipeline;
    const early = faults.checkRateLimit() ??
        faults.checkBodyLimits(method, headers, body.length);
    if (early)
        return early;
    const path = stripPrefix(pipeline.settings.staticPrefix, url.pathname);
    const decision = faults.decide(method, path ?? url.pathname);
    if (decision.delayMs > 0)
        await pipeline.sleep(decision.delayMs);
    if (decision.before.kind === 'drop')
        return 'drop';
    if (decision.before.kind === 'respond') {
        return cannedToResponse(decision.before.response);
    }
    const gateway = pipeline.hokusaiGateway;
    const refusal = gateway && checkHokusaiGateway(gateway, method, url.pathname, headers);
    if (refusal)
        return refusal;
    const response = await serveMlflow(pipeline, incoming, path);
    const after = decision.afterCommit;
    if (after === undefined)
        return response;
    return after === 'drop' ? 'drop' : cannedToResponse(after);
}
function controlPath(prefix, path) {
    if (prefix === '' || !path.startsWith(`${prefix}/`))
        return undefined;
    return path.slice(prefix.length);
}
function stripPrefix(prefix, path) {
    if (prefix === '')
        return path;
    if (path === prefix)
        return '/';
    return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined;
}
async function serveMlflow(pipeline, incoming, path) {
    const { method, url, headers, body } = incoming;
    if (!skipsHostCheck(url.pathname)) {
        if (!isAllowedHost(pipeline.faults.allowedHosts, headers.host)) {
            return REJECTED_HOST_RESPONSE;
        }
    }
    if (path === undefined)
        return flaskErrorPage(404);
    const request = {
        method,
        path,
        query: url.searchParams,
        headers,
        body
    };
    const resolution = resolveRoute(pipeline.routes, method, path);
    const route = resolution.kind === 'route' ? resolution.match.route : undefined;
    const access = identify(pipeline, request, route);
    if ('status' in access)
        return access;
    if (resolution.kind !== 'route' && failsClosed(pipeline.settings, access)) {
        return permissionDenied(pipeline.refusalShape, 'flask');
    }
    if (resolution.kind === 'none')
        return flaskErrorPage(404);
    if (resolution.kind === 'wrong-method') {
        return flaskErrorPage(405, { allow: resolution.allow });
    }
    const context = {
        request,
        params: resolution.match.params,
        state: pipeline.state,
        settings: pipeline.settings,
        access
    };
    return runRoute(pipeline, resolution.match.route, context);
}
/**
 * MLflow 3.17.2's basic-auth app fails closed by default
 * (`MLFLOW_BASIC_AUTH_FAIL_CLOSED`): a non-admin gets 403, not 404 or
 * 405, for a path or method no route serves.
 */
function failsClosed(settings, access) {
    return (settings.authEnabled && settings.mlflowMajor === 3 && !access.unrestricted);
}
/** Authenticates the request, or returns the basic-auth app's 401. */
function identify(pipeline, request, route) {
    const { settings, state } = pipeline;
    if (!settings.authEnabled || isUnprotectedPath(request.path)) {
        return unrestrictedAccess();
    }
    const user = authenticate(request.headers, state.users);
    if (!user) {
        return unauthenticated(pipeline.refusalShape, route?.engine ?? 'flask');
    }
    return userAccess(user, state.users);
}
async function runRoute(pipeline, route, context) {
    try {
        if (!context.access.unrestricted && route.authorize) {
            if (!route.authorize(context)) {
                return permissionDenied(pipeline.refusalShape, route.engine ?? 'flask');
            }
        }
        return await route.handle(context);
    }
    catch (error) {
        if (error instanceof MlflowError)
            return errorResponse(error);
        const message = error instanceof Error ? error.message : String(error);
        const { method, path } = context.request;
        pipeline.log(`fake MLflow server: ${method} ${path} failed: ${message}`);
        return errorResponse(new MlflowError('INTERNAL_ERROR', message));
    }
}

;// CONCATENATED MODULE: ./src/fake-server/params.ts


/**
 * Reads a request's parameters as MLflow 3.17.2's handlers do: GET from
 * the query string, every other method from a JSON body. POST and PUT
 * bodies need `Content-Type: application/json`; a body that is not JSON
 * reads as `{}`, so the first required field is reported missing.
 */
function readRawParams(request, repeated = []) {
    if (request.method === 'GET')
        return readQuery(request.query, repeated);
    if (request.method === 'POST' || request.method === 'PUT') {
        checkJsonContentType(request.headers['content-type']);
    }
    return readJsonBody(request.body);
}
function readQuery(query, repeated) {
    const params = {};
    for (const key of new Set(query.keys())) {
        params[key] = repeated.includes(key) ? query.getAll(key) : query.get(key);
    }
    return params;
}
function checkJsonContentType(contentType) {
    if (contentType === undefined) {
        throw invalidParameter('Bad Request. Content-Type header is missing.');
    }
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
        throw invalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
    }
}
/** Parses a JSON body leniently; older clients double-encode it. */
function readJsonBody(body) {
    let parsed = parseSilently(body.toString('utf8'));
    if (typeof parsed === 'string')
        parsed = parseSilently(parsed);
    return isRecord(parsed) ? parsed : {};
}
function parseSilently(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * Validates parameters against a zod shape, field by field in the shape's
 * order, and raises MLflow's "Missing value" or "Invalid value" error for
 * the first field that fails.
 */
function parseParams(request, shape, repeated = []) {
    const raw = readRawParams(request, repeated);
    const parsed = {};
    for (const [key, schema] of Object.entries(shape)) {
        const value = raw[key];
        const result = schema.safeParse(value);
        if (!result.success) {
            if (value === undefined || value === null || value === '') {
                throw missingParameter(key);
            }
            throw invalidParameterValue(key, value);
        }
        if (result.data !== undefined)
            parsed[key] = result.data;
    }
    return parsed;
}
/** Reads one raw parameter without validating; '' when it is absent. */
function peekParam(request, key) {
    const value = request.method === 'GET'
        ? request.query.get(key)
        : readJsonBody(request.body)[key];
    return typeof value === 'string' ? value : '';
}
/**
 * Reads one parameter as the basic-auth app's permission checks do: from
 * the query string for GET (and for DELETE without a JSON body), from a
 * JSON body otherwise. A body without a JSON content type reads as empty,
 * so an absent parameter raises "Missing value" before the handler runs.
 */
function authParam(request, key) {
    const isJson = /^application\/([\w.+-]*\+)?json\b/i.test(request.headers['content-type'] ?? '');
    let params = {};
    if (request.method === 'GET' || (request.method === 'DELETE' && !isJson)) {
        params = Object.fromEntries(request.query);
    }
    else if (isJson) {
        params = readJsonBody(request.body);
    }
    if (!(key in params))
        throw missingParameter(key);
    return String(params[key]);
}
/** Checks whether a JSON body or query string contains a field at all. */
function hasParam(request, key) {
    return request.method === 'GET'
        ? request.query.has(key)
        : key in readJsonBody(request.body);
}
/** A required, non-empty string parameter. */
const requiredString = schemas/* string */.YjP().min(1);
/** An optional string parameter. */
const optionalString = schemas/* string */.YjP().optional();
/**
 * Builds the schema of an integer, given as a JSON number or a decimal
 * string, of at most `max`.
 */
function intLike(max) {
    return schemas/* union */.KCZ([schemas/* number */.aig().int(), schemas/* string */.YjP().regex(/^-?\d+$/)])
        .transform(Number)
        .refine(value => value <= max)
        .optional();
}
/** A list of `{key, value}` tags, as MLflow sends and accepts them. */
const tagList = schemas/* array */.YOg(schemas/* object */.Ikc({ key: schemas/* string */.YjP(), value: schemas/* string */.YjP().default('') }))
    .optional();

;// CONCATENATED MODULE: ./src/fake-server/auth/rules.ts

/**
 * The basic-auth app's checks for non-admin users, per route, as in
 * MLflow 3.17.2's `mlflow/server/auth/__init__.py`. Version-level routes
 * need the registered model to exist. For a missing model they return 403,
 * not 404, so that rejections reveal nothing about which models exist.
 */
function modelName(context) {
    return authParam(context.request, 'name');
}
function modelExists(context) {
    return context.state.registry.findModel(modelName(context)) !== undefined;
}
/** Checks READ on the registered model named in the request. */
function canReadModel(context) {
    return context.access.model(modelName(context)).canRead;
}
/** Checks EDIT on the registered model named in the request. */
function canUpdateModel(context) {
    return context.access.model(modelName(context)).canUpdate;
}
/** Checks MANAGE on the registered model named in the request. */
function canDeleteModel(context) {
    return context.access.model(modelName(context)).canDelete;
}
/** Checks READ on an existing registered model. */
function canReadVersion(context) {
    return modelExists(context) && canReadModel(context);
}
/** Checks EDIT on an existing registered model. */
function canUpdateVersion(context) {
    return modelExists(context) && canUpdateModel(context);
}
/** Checks MANAGE on an existing registered model. */
function canDeleteVersion(context) {
    return modelExists(context) && canDeleteModel(context);
}
/**
 * Checks EDIT on the target model, plus READ on the sources the request
 * names: the run of `run_id`, the logged model of `model_id` or of a
 * `models:/<id>` source, or the registered model of a
 * `models:/<name>/<version>` source. A named but missing source denies.
 */
function canCreateVersion(context) {
    if (!canUpdateVersion(context))
        return false;
    const source = peekParam(context.request, 'source');
    const sourceModel = /^models:\/([^/@]+)(?:\/[^/]+|@.+)$/.exec(source);
    if (sourceModel?.[1] !== undefined) {
        const name = sourceModel[1];
        return (context.state.registry.findModel(name) !== undefined &&
            context.access.model(name).canRead);
    }
    if (hasParam(context.request, 'run_id')) {
        if (!canReadRunId(context, peekParam(context.request, 'run_id'))) {
            return false;
        }
    }
    if (hasParam(context.request, 'model_id')) {
        const modelId = peekParam(context.request, 'model_id');
        if (!canReadLoggedModelId(context, modelId))
            return false;
    }
    const sourceModelId = /^models:\/([^/@]+)$/.exec(source)?.[1];
    return (sourceModelId === undefined || canReadLoggedModelId(context, sourceModelId));
}
/** Checks EDIT on the experiment named by `experiment_id`. */
function canCreateInExperiment(context) {
    const experimentId = authParam(context.request, 'experiment_id');
    return context.access.experiment(experimentId).canUpdate;
}
/** Checks READ on the experiment named by `experiment_id`. */
function canReadExperiment(context) {
    const experimentId = authParam(context.request, 'experiment_id');
    return context.access.experiment(experimentId).canRead;
}
/** Checks READ on the run named by `run_id` (or the older `run_uuid`). */
function canReadRun(context) {
    return canReadRunId(context, runIdParam(context));
}
/** Checks EDIT on the run named by `run_id`. */
function canUpdateRun(context) {
    const run = context.state.tracking.findRun(runIdParam(context));
    return (run !== undefined && context.access.experiment(run.experimentId).canUpdate);
}
/** Reads `run_id`, falling back to the older `run_uuid` as MLflow does. */
function runIdParam(context) {
    try {
        return authParam(context.request, 'run_id');
    }
    catch {
        return authParam(context.request, 'run_uuid');
    }
}
function canReadRunId(context, runId) {
    const run = context.state.tracking.findRun(runId);
    return (run !== undefined && context.access.experiment(run.experimentId).canRead);
}
function canReadLoggedModelId(context, modelId) {
    const model = context.state.tracking.findLoggedModel(modelId);
    return (model !== undefined && context.access.experiment(model.experimentId).canRead);
}
/** Checks READ on the logged model in the path. */
function canReadLoggedModel(context) {
    return canReadLoggedModelId(context, context.params.modelId ?? '');
}
/** Checks EDIT on the logged model in the path. */
function canUpdateLoggedModel(context) {
    const model = context.state.tracking.findLoggedModel(context.params.modelId ?? '');
    return (model !== undefined &&
        context.access.experiment(model.experimentId).canUpdate);
}
/** Checks whether the user is an admin. */
function isAdmin(context) {
    return context.access.unrestricted;
}
/** Checks whether the request names the user, or the user is an admin. */
function isSelfOrAdmin(context) {
    return (context.access.unrestricted ||
        authParam(context.request, 'username') === context.access.user?.username);
}
/**
 * Returns the permission for an artifact proxy path: that of the
 * experiment whose id is the first path segment, or else the default
 * permission, so uploads outside an experiment fail under the default READ.
 */
function artifactPermission(context, path) {
    const experimentId = /^(\d+)(?:\/|$)/.exec(path)?.[1];
    return experimentId === undefined
        ? context.access.fallback()
        : context.access.experiment(experimentId);
}

;// CONCATENATED MODULE: ./src/fake-server/routes/artifact-paths.ts

/**
 * Returns the proxy path of an `mlflow-artifacts:` URI, so
 * `mlflow-artifacts:/1/r` is stored under `1/r`. Returns undefined for
 * URIs the proxy does not serve.
 */
function proxyPathOf(uri) {
    const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(uri);
    return match?.[1]?.replace(/\/+$/, '');
}
/**
 * Decodes and checks a relative artifact path as MLflow's
 * `validate_path_is_safe` does: no `..` part, no absolute path, no `#`
 * and no backslash.
 */
function safeArtifactPath(raw) {
    let path;
    try {
        path = decodeURIComponent(raw);
    }
    catch {
        throw invalidParameter('Invalid path');
    }
    if (path.includes('#') ||
        path.includes('\\') ||
        path.startsWith('/') ||
        /^[A-Za-z]:/.test(path) ||
        path.split('/').includes('..')) {
        throw invalidParameter('Invalid path');
    }
    return path;
}
/** Joins relative artifact paths, skipping empty parts. */
function joinArtifactPath(...parts) {
    return parts
        .flatMap(part => part.split('/'))
        .filter(part => part !== '')
        .join('/');
}

;// CONCATENATED MODULE: ./src/fake-server/routes/artifact-proxy.ts





const API = '/api/2.0/mlflow-artifacts/artifacts';
/**
 * The artifact proxy of MLflow 3.17.2. Uploads and downloads are FastAPI
 * routes (JSON `{"detail"}` errors); listing and deleting are Flask
 * routes (plain-text 503 when `--no-serve-artifacts` is set).
 */
const FASTAPI_DISABLED = jsonText(503, JSON.stringify({
    detail: 'Artifact serving is disabled. Run `mlflow server` with ' +
        '`--serve-artifacts` to enable.'
}));
function flaskDisabled(rule) {
    return textResponse(503, `Endpoint: ${rule} disabled due to the mlflow server running with ` +
        '`--no-serve-artifacts`. To enable artifacts server functionality, ' +
        'run `mlflow server` with `--serve-artifacts`');
}
function artifact_proxy_detail(status, text) {
    return jsonText(status, JSON.stringify({ detail: text }));
}
/** Decodes the path of a native artifact route, or returns its error. */
function nativePath(context) {
    try {
        return safeArtifactPath(context.params.artifactPath ?? '');
    }
    catch (error) {
        if (error instanceof MlflowError)
            return compactErrorResponse(error);
        throw error;
    }
}
async function uploadArtifact(context) {
    if (!context.settings.serveArtifacts)
        return FASTAPI_DISABLED;
    const path = nativePath(context);
    if (typeof path !== 'string')
        return path;
    if (path.endsWith('/')) {
        return artifact_proxy_detail(400, "Artifact path must include a filename (cannot end with '/').");
    }
    await context.state.artifacts.put(path, context.request.body);
    return { status: 200, headers: {}, body: '' };
}
async function downloadArtifact(context) {
    if (!context.settings.serveArtifacts)
        return FASTAPI_DISABLED;
    const path = nativePath(context);
    if (typeof path !== 'string')
        return path;
    const data = await context.state.artifacts.get(path);
    if (data === undefined) {
        if (context.state.artifacts.isDirectory(path)) {
            return artifact_proxy_detail(400, `Artifact path refers to a directory, not a file: '${path}'`);
        }
        return compactErrorResponse(notFound(`No such artifact: '${path}'`));
    }
    const name = path.split('/').at(-1) ?? path;
    return {
        status: 200,
        headers: {
            'content-type': guessMimeType(name),
            'content-disposition': `attachment; filename=${name}`
        },
        body: data
    };
}
function listArtifacts(context) {
    if (!context.settings.serveArtifacts)
        return flaskDisabled(API);
    const params = parseParams(context.request, { path: optionalString });
    const path = safeArtifactPath(params.path ?? '');
    const files = context.state.artifacts.list(path).map(entry => ({
        path: entry.path,
        is_dir: entry.isDir,
        ...(entry.fileSize === undefined ? {} : { file_size: entry.fileSize })
    }));
    return messageResponse(files.length > 0 ? { files } : {});
}
async function deleteArtifact(context) {
    if (!context.settings.serveArtifacts) {
        return flaskDisabled(`${API}/<path:artifact_path>`);
    }
    const path = safeArtifactPath(context.params.artifactPath ?? '');
    await context.state.artifacts.delete(path);
    return messageResponse({});
}
const TEXT_EXTENSIONS = new Set(('txt log err cfg conf cnf cf ini properties prop hocon toml yaml yml ' +
    'xml json js py py3 csv tsv md rst ipynb').split(' '));
const MIME_TYPES = {
    html: 'text/html',
    png: 'image/png',
    jpg: 'image/jpeg',
    gif: 'image/gif',
    zip: 'application/zip',
    gz: 'application/gzip',
    pdf: 'application/pdf'
};
/** MLflow's MIME guess: text for known text files and MLmodel. */
function guessMimeType(name) {
    if (name === 'MLmodel' || name === 'MLproject')
        return 'text/plain';
    const extension = name.includes('.') ? (name.split('.').at(-1) ?? '') : '';
    if (TEXT_EXTENSIONS.has(extension))
        return 'text/plain';
    return MIME_TYPES[extension] ?? 'application/octet-stream';
}
function canRead(context) {
    const path = context.params.artifactPath ?? context.request.query.get('path');
    return artifactPermission(context, path ?? '').canRead;
}
function canUpdate(context) {
    return artifactPermission(context, context.params.artifactPath ?? '')
        .canUpdate;
}
function canManage(context) {
    return artifactPermission(context, context.params.artifactPath ?? '')
        .canManage;
}
/** The artifact proxy routes. */
const artifactProxyRoutes = [
    {
        method: 'PUT',
        path: `${API}/*artifactPath`,
        handle: uploadArtifact,
        authorize: canUpdate,
        engine: 'fastapi'
    },
    {
        method: 'GET',
        path: `${API}/*artifactPath`,
        handle: downloadArtifact,
        authorize: canRead,
        engine: 'fastapi'
    },
    { method: 'GET', path: API, handle: listArtifacts, authorize: canRead },
    {
        method: 'DELETE',
        path: `${API}/*artifactPath`,
        handle: deleteArtifact,
        authorize: canManage
    }
];

;// CONCATENATED MODULE: ./src/fake-server/pagination.ts

/**
 * Cuts one page from sorted results. Tokens are MLflow's: base64 of
 * `{"offset": n}`, so a token from a real server works here too.
 */
function paginate(items, maxResults, pageToken) {
    const offset = pageToken ? readOffset(pageToken) : 0;
    const page = items.slice(offset, offset + maxResults);
    const next = offset + maxResults;
    return next < items.length
        ? { items: page, nextPageToken: offsetToken(next) }
        : { items: page };
}
function offsetToken(offset) {
    return Buffer.from(`{"offset": ${offset}}`).toString('base64');
}
function readOffset(token) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(token) || token.length % 4 !== 0) {
        throw invalidParameter('Invalid page token, could not base64-decode');
    }
    let parsed;
    try {
        parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    }
    catch {
        throw invalidParameter('Invalid page token, decoded value=' + token);
    }
    const offset = parsed?.offset;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
        throw invalidParameter('Invalid page token, parsed value=' + token);
    }
    return offset;
}

;// CONCATENATED MODULE: ./src/fake-server/search-filter.ts

const IDENTIFIER = String.raw `[A-Za-z_]\w*`;
const QUOTED_PART = String.raw `\`[^\`]*\`|"[^"]*"`;
const TOKEN_PATTERN = new RegExp([
    String.raw `(?<string>'[^']*'|"[^"]*")`,
    String.raw `(?<number>-?\d+(?:\.\d+)?(?![\w.]))`,
    // Identifiers may quote their last part: tags.`a.b` or tags."a-b".
    `(?<word>${IDENTIFIER}(?:\\.(?:${QUOTED_PART}|${IDENTIFIER}))*)`,
    String.raw `(?<operator>!=|<=|>=|=|<|>)`,
    String.raw `(?<punct>[(),])`,
    String.raw `(?<other>\S+?)`
].join('|'), 'g');
const TOKEN_KINDS = ['string', 'number', 'word', 'operator', 'punct'];
function tokenize(filter) {
    const tokens = [];
    for (const match of filter.matchAll(TOKEN_PATTERN)) {
        const groups = match.groups ?? {};
        const kind = TOKEN_KINDS.find(name => groups[name] !== undefined);
        tokens.push({ kind: kind ?? 'other', text: match[0] });
    }
    return tokens;
}
/** Tells whether a filter compares with a double-quoted string value. */
function hasDoubleQuotedValue(filter) {
    return tokenize(filter ?? '').some(token => token.kind === 'string' && token.text.startsWith('"'));
}
/**
 * Rejects what Unity Catalog's searches reject: double-quoted values and,
 * where `tagsAllowed` is false, tag filters.
 */
function checkSingleQuoted(filter, clauses, tagsAllowed) {
    if (hasDoubleQuotedValue(filter)) {
        throw invalidParameter(`Invalid filter '${filter ?? ''}': string values must be in single ` +
            'quotes.');
    }
    if (!tagsAllowed && clauses.some(clause => clause.type === 'tag')) {
        throw invalidParameter(`Invalid filter '${filter ?? ''}': tag filters are not supported.`);
    }
}
/**
 * Parses a registry search filter in MLflow's grammar: comparisons joined
 * by AND. Keys are the given attributes or `tags.<key>`, with the tag key
 * optionally in backticks or double quotes. Values are strings in single
 * or double quotes. Comparators are `=`, `!=`, `LIKE`, `ILIKE`, `IN` and
 * `NOT IN`, plus `<`, `>`, `<=`, `>=` for numbers.
 */
function parseFilter(filter, attributes) {
    if (filter === undefined || filter.trim() === '')
        return [];
    const tokens = tokenize(filter);
    const clauses = [];
    let index = 0;
    while (index < tokens.length) {
        const { clause, next } = parseClause(tokens, index, attributes);
        clauses.push(clause);
        index = next;
        if (index >= tokens.length)
            break;
        if (tokens[index]?.text.toUpperCase() !== 'AND') {
            throw invalidClauses(tokens.slice(index));
        }
        index++;
    }
    return clauses;
}
function parseClause(tokens, start, attributes) {
    const keyToken = tokens[start];
    let opIndex = start + 1;
    let comparator = tokens[opIndex]?.text.toUpperCase() ?? '';
    if (comparator === 'NOT' &&
        tokens[opIndex + 1]?.text.toUpperCase() === 'IN') {
        comparator = 'NOT IN';
        opIndex++;
    }
    if (keyToken?.kind !== 'word' || !isComparator(comparator)) {
        throw invalidClauses(tokens.slice(start));
    }
    const { type, key } = readKey(keyToken.text, attributes);
    if (comparator === 'IN' || comparator === 'NOT IN') {
        const { values, next } = readList(tokens, opIndex + 1);
        return { clause: { type, key, comparator, value: values }, next };
    }
    const valueToken = tokens[opIndex + 1];
    const value = readValue(valueToken, key);
    return { clause: { type, key, comparator, value }, next: opIndex + 2 };
}
function isComparator(text) {
    return [
        '=',
        '!=',
        '<',
        '>',
        '<=',
        '>=',
        'LIKE',
        'ILIKE',
        'IN',
        'NOT IN'
    ].includes(text);
}
function readKey(text, attributes) {
    const dot = text.indexOf('.');
    const entity = dot < 0 ? 'attribute' : text.slice(0, dot);
    const rawKey = dot < 0 ? text : text.slice(dot + 1);
    const key = rawKey.replace(/^[`"](.*)[`"]$/, '$1');
    if (entity === 'tags' || entity === 'tag')
        return { type: 'tag', key };
    if (entity !== 'attribute' && entity !== 'attributes') {
        throw invalidParameter(`Invalid entity type '${entity}'. Valid entity types are ` +
            "('attribute', 'tag', 'tags')");
    }
    if (!attributes.includes(key)) {
        const valid = attributes.map(name => `'${name}'`).join(', ');
        throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '{${valid}}'`);
    }
    return { type: 'attribute', key };
}
function readValue(token, key) {
    if (token?.kind === 'string')
        return token.text.slice(1, -1);
    if (token?.kind === 'number' && key === 'version_number') {
        return Number(token.text);
    }
    throw invalidParameter('Parameter value is either not quoted or unidentified quote types ' +
        `used for string value ${token?.text ?? ''}. ` +
        'Use either single or double quotes.');
}
function readList(tokens, start) {
    if (tokens[start]?.text !== '(')
        throw invalidClauses(tokens.slice(start));
    const values = [];
    let index = start + 1;
    while (tokens[index]?.kind === 'string') {
        values.push(tokens[index]?.text.slice(1, -1) ?? '');
        index++;
        if (tokens[index]?.text !== ',')
            break;
        index++;
    }
    if (tokens[index]?.text !== ')')
        throw invalidClauses(tokens.slice(start));
    return { values, next: index + 1 };
}
function invalidClauses(tokens) {
    const text = tokens.map(token => token.text).join(', ');
    return invalidParameter(`Invalid clause(s) in filter string: ${text}`);
}
/** Checks whether an entity satisfies every clause of a parsed filter. */
function matchesFilter(clauses, lookup) {
    return clauses.every(clause => matchesClause(clause, lookup));
}
function matchesClause(clause, lookup) {
    const actual = lookup(clause.type, clause.key);
    if (actual === undefined)
        return false;
    const expected = clause.value;
    if (Array.isArray(expected)) {
        const found = expected.includes(String(actual));
        return clause.comparator === 'IN' ? found : !found;
    }
    if (typeof actual === 'number' || typeof expected === 'number') {
        return compareNumbers(Number(actual), clause.comparator, Number(expected));
    }
    switch (clause.comparator) {
        case '=':
            return actual === expected;
        case '!=':
            return actual !== expected;
        case 'LIKE':
            return likePattern(String(expected), '').test(actual);
        case 'ILIKE':
            return likePattern(String(expected), 'i').test(actual);
        default:
            return false;
    }
}
function compareNumbers(actual, comparator, expected) {
    switch (comparator) {
        case '=':
            return actual === expected;
        case '!=':
            return actual !== expected;
        case '<':
            return actual < expected;
        case '>':
            return actual > expected;
        case '<=':
            return actual <= expected;
        case '>=':
            return actual >= expected;
        default:
            return false;
    }
}
/** Turns an SQL LIKE pattern (`%` and `_` wildcards) into a regex. */
function likePattern(pattern, flags) {
    const source = Array.from(pattern)
        .map(char => {
        if (char === '%')
            return '.*';
        if (char === '_')
            return '.';
        return char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
        .join('');
    return new RegExp(`^${source}$`, `s${flags}`);
}

;// CONCATENATED MODULE: ./src/fake-server/store/run-names.ts
/**
 * Generated run names in MLflow's `adjective-animal-number` form, for runs
 * created without `run_name`.
 */
const ADJECTIVES = [
    'agreeable',
    'bold',
    'calm',
    'clever',
    'eager',
    'gentle',
    'honest',
    'merciful',
    'righteous',
    'unleashed'
];
const ANIMALS = [
    'calf',
    'crane',
    'fox',
    'hare',
    'lynx',
    'mule',
    'owl',
    'seal',
    'vole',
    'wren'
];
/** Picks a run name from a random source in [0, 1). */
function generateRunName(random) {
    const pick = (words) => words[Math.floor(random() * words.length)] ?? words[0] ?? 'run';
    return `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${Math.floor(random() * 1000)}`;
}

;// CONCATENATED MODULE: ./src/fake-server/routes/registry-json.ts
/** Formats tags as MLflow's list; undefined when empty, as MLflow omits it. */
function tagsJson(tags) {
    if (tags.size === 0)
        return undefined;
    return [...tags].map(([key, value]) => ({ key, value }));
}
/** Lists the aliases that point at one version, sorted as MLflow sorts them. */
function versionAliases(model, version) {
    if (!model)
        return [];
    return [...model.aliases]
        .filter(([, target]) => target === version)
        .map(([alias]) => alias)
        .sort();
}
/**
 * Formats a model version in MLflow's JSON: `version` is a string, timestamps
 * are numbers, and the SQL store's empty strings (`description`, `run_id`,
 * `run_link`) are sent, while empty lists are left out.
 */
function modelVersionJson(version, aliases = []) {
    return omitUndefined({
        name: version.name,
        version: String(version.version),
        creation_timestamp: version.creationTimestamp,
        last_updated_timestamp: version.lastUpdatedTimestamp,
        current_stage: 'None',
        description: version.description,
        source: version.source,
        run_id: version.runId,
        status: version.status,
        status_message: version.statusMessage,
        tags: tagsJson(version.tags),
        run_link: version.runLink,
        aliases: aliases.length > 0 ? [...aliases] : undefined
    });
}
/**
 * Formats a registered model in MLflow's JSON, with the latest version of stage
 * "None" (without its aliases) and every alias sorted by name.
 */
function registeredModelJson(model) {
    const latest = model.versions.filter(v => !v.deleted).at(-1);
    const aliases = [...model.aliases]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([alias, version]) => ({ alias, version: String(version) }));
    return omitUndefined({
        name: model.name,
        creation_timestamp: model.creationTimestamp,
        last_updated_timestamp: model.lastUpdatedTimestamp,
        description: model.description,
        latest_versions: latest ? [modelVersionJson(latest)] : undefined,
        tags: tagsJson(model.tags),
        aliases: aliases.length > 0 ? aliases : undefined
    });
}
/** Drops the undefined fields of an object, keeping the key order. */
function omitUndefined(fields) {
    return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

;// CONCATENATED MODULE: ./src/fake-server/routes/tracking-json.ts

/** Formats an experiment as MLflow 3.17.2 does, with its workspace. */
function experimentJson(experiment) {
    return omitUndefined({
        experiment_id: experiment.experimentId,
        name: experiment.name,
        artifact_location: experiment.artifactLocation,
        lifecycle_stage: 'active',
        last_update_time: experiment.lastUpdateTime,
        creation_time: experiment.creationTime,
        tags: tagsJson(experiment.tags),
        workspace: 'default'
    });
}
/** Formats the `info` part of a run, with both `run_uuid` and `run_id`. */
function runInfoJson(run) {
    return omitUndefined({
        run_uuid: run.runId,
        experiment_id: run.experimentId,
        run_name: run.runName,
        user_id: run.userId,
        status: run.status,
        start_time: run.startTime,
        end_time: run.endTime,
        artifact_uri: run.artifactUri,
        lifecycle_stage: 'active',
        run_id: run.runId
    });
}
/**
 * Formats a whole run. MLflow 3.17.2 sends `outputs: {}` from `runs/get`
 * but not from `runs/create`.
 */
function runJson(run, withOutputs) {
    const tags = tagsJson(run.tags);
    return {
        info: runInfoJson(run),
        data: tags ? { tags } : {},
        inputs: {},
        ...(withOutputs ? { outputs: {} } : {})
    };
}
/** Formats an MLflow 3 logged model: `info` and an empty `data`. */
function loggedModelJson(model) {
    return {
        info: omitUndefined({
            model_id: model.modelId,
            experiment_id: model.experimentId,
            name: model.name,
            creation_timestamp_ms: model.creationTimestampMs,
            last_updated_timestamp_ms: model.lastUpdatedTimestampMs,
            artifact_uri: model.artifactUri,
            status: model.status,
            model_type: model.modelType,
            source_run_id: model.sourceRunId || undefined,
            tags: tagsJson(model.tags)
        }),
        data: {}
    };
}

;// CONCATENATED MODULE: ./src/fake-server/routes/logged-models.ts









const logged_models_API = '/api/2.0/mlflow/logged-models';
function createLoggedModel(context) {
    const params = parseParams(context.request, {
        experiment_id: requiredString,
        name: optionalString,
        model_type: optionalString,
        source_run_id: optionalString,
        tags: tagList
    });
    const model = context.state.tracking.createLoggedModel({
        experimentId: params.experiment_id,
        name: params.name?.length ? params.name : generateRunName(Math.random),
        modelType: params.model_type ?? '',
        sourceRunId: params.source_run_id ?? '',
        tags: params.tags ?? []
    });
    return messageResponse({ model: loggedModelJson(model) });
}
function modelIdParam(context) {
    return decodeURIComponent(context.params.modelId ?? '');
}
function getLoggedModel(context) {
    const model = context.state.tracking.getLoggedModel(modelIdParam(context));
    return messageResponse({ model: loggedModelJson(model) });
}
const STATUSES = {
    '1': 'LOGGED_MODEL_PENDING',
    '2': 'LOGGED_MODEL_READY',
    '3': 'LOGGED_MODEL_UPLOAD_FAILED',
    LOGGED_MODEL_PENDING: 'LOGGED_MODEL_PENDING',
    LOGGED_MODEL_READY: 'LOGGED_MODEL_READY',
    LOGGED_MODEL_UPLOAD_FAILED: 'LOGGED_MODEL_UPLOAD_FAILED'
};
/** Finalizes a logged model; MLflow wants `model_id` in the body too. */
function finalizeLoggedModel(context) {
    const params = parseParams(context.request, {
        model_id: requiredString,
        status: schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig()])
    });
    const status = STATUSES[String(params.status)];
    if (!status) {
        throw invalidParameter(`Invalid logged model status: ${params.status}`);
    }
    const model = context.state.tracking.getLoggedModel(params.model_id);
    model.status = status;
    return messageResponse({ model: loggedModelJson(model) });
}
/** Searches logged models, dropping those the user cannot read. */
function searchLoggedModels(context) {
    const params = parseParams(context.request, {
        experiment_ids: schemas/* array */.YOg(schemas/* string */.YjP()).min(1),
        filter: optionalString,
        max_results: intLike(Number.MAX_SAFE_INTEGER),
        page_token: optionalString
    });
    const clauses = parseFilter(params.filter, [
        'name',
        'model_id',
        'model_type',
        'status',
        'source_run_id'
    ]);
    const { tracking } = context.state;
    const matching = tracking
        .listLoggedModels(params.experiment_ids)
        .filter(model => matchesFilter(clauses, (type, key) => {
        if (type === 'tag')
            return model.tags.get(key);
        const fields = {
            name: model.name,
            model_id: model.modelId,
            model_type: model.modelType,
            status: model.status,
            source_run_id: model.sourceRunId
        };
        return fields[key];
    }));
    const page = paginate(matching, params.max_results ?? 100, params.page_token);
    const readable = page.items.filter(model => context.access.experiment(model.experimentId).canRead);
    return messageResponse({
        ...(readable.length > 0 ? { models: readable.map(loggedModelJson) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
    });
}
/** The MLflow 3 logged-model routes, which an MLflow 2 fake does not serve. */
const loggedModelRoutes = [
    {
        method: 'POST',
        path: logged_models_API,
        handle: createLoggedModel,
        authorize: canCreateInExperiment,
        mlflow3Only: true
    },
    {
        method: 'POST',
        path: `${logged_models_API}/search`,
        handle: searchLoggedModels,
        mlflow3Only: true
    },
    {
        method: 'GET',
        path: `${logged_models_API}/:modelId`,
        handle: getLoggedModel,
        authorize: canReadLoggedModel,
        mlflow3Only: true
    },
    {
        method: 'PATCH',
        path: `${logged_models_API}/:modelId`,
        handle: finalizeLoggedModel,
        authorize: canUpdateLoggedModel,
        mlflow3Only: true
    }
];

;// CONCATENATED MODULE: ./src/fake-server/routes/version-order.ts

/** The columns MLflow 3.17's SQL store orders model versions by. */
const COLUMNS = {
    name: version => version.name,
    version_number: version => version.version,
    creation_timestamp: version => version.creationTimestamp,
    last_updated_timestamp: version => version.lastUpdatedTimestamp
};
/**
 * Sorts versions by `order_by` clauses such as `version_number DESC`; an
 * unknown column or direction is INVALID_PARAMETER_VALUE, as in MLflow.
 * Without clauses the order is left as it is.
 */
function orderVersions(versions, orderBy = []) {
    const clauses = orderBy.map(version_order_parseClause);
    return [...versions].sort((a, b) => {
        for (const { key, descending } of clauses) {
            const left = key(a);
            const right = key(b);
            if (left === right)
                continue;
            const ascending = left < right ? -1 : 1;
            return descending ? -ascending : ascending;
        }
        return 0;
    });
}
function version_order_parseClause(clause) {
    const [column = '', direction = 'ASC', ...rest] = clause.trim().split(/\s+/);
    const upper = direction.toUpperCase();
    if (rest.length > 0 || !['ASC', 'DESC'].includes(upper)) {
        throw invalidParameter(`Invalid ordering key in order_by clause '${clause}'.`);
    }
    const key = COLUMNS[column];
    if (!key) {
        const valid = Object.keys(COLUMNS).map(name => `'${name}'`);
        throw invalidParameter(`Invalid attribute key '${column}' specified. Valid keys are ` +
            `'{${valid.join(', ')}}'`);
    }
    return { key, descending: upper === 'DESC' };
}

;// CONCATENATED MODULE: ./src/fake-server/routes/source-uri.ts

/** Splits a URI like Python's `urlparse`, enough for these checks. */
function parseUri(uri) {
    const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(uri);
    // A one-letter scheme is a Windows drive, so MLflow treats it as a path.
    if (!match?.[1] || match[1].length === 1) {
        return { scheme: '', netloc: '', path: uri.split(/[?#]/)[0] ?? '' };
    }
    const rest = match[2] ?? '';
    const authority = /^\/\/([^/?#]*)(.*)$/s.exec(rest);
    const pathPart = authority ? (authority[2] ?? '') : rest;
    return {
        scheme: match[1].toLowerCase(),
        netloc: authority?.[1] ?? '',
        path: pathPart.split(/[?#]/)[0] ?? ''
    };
}
/** Reads the path of a `models:/` URI as MLflow's `_parse_model_uri` does. */
function parseModelsPath(source, path) {
    const parts = path.replace(/^\/+/, '').split('/');
    const [first = '', suffix] = parts;
    if (!path.startsWith('/') || parts.length > 2 || first.trim() === '') {
        throw invalidParameter(`Not a proper models:/ URI: ${source}. Models URIs must be of the ` +
            "form 'models:/name/suffix' or 'models:/name@alias'.");
    }
    if (suffix !== undefined) {
        if (/^\d+$/.test(suffix))
            return { name: first, version: suffix };
        return { name: first };
    }
    const at = first.lastIndexOf('@');
    if (at >= 0)
        return { name: first.slice(0, at), alias: first.slice(at + 1) };
    return { modelId: first, name: first };
}
/** Decodes percent escapes and `+`, like Python's `unquote_plus`. */
function decodePlus(text) {
    try {
        return decodeURIComponent(text.replaceAll('+', ' '));
    }
    catch {
        return text;
    }
}
function pathParts(uri) {
    const parsed = parseUri(uri);
    const parts = parsed.path
        .split('/')
        .filter(part => part !== '')
        .map(part => decodePlus(part));
    return { scheme: `${parsed.scheme}//${parsed.netloc.toLowerCase()}`, parts };
}
/** Checks whether a URI lies at or below a root URI, segment by segment. */
function isWithinRoot(source, root) {
    const inner = pathParts(source);
    const outer = pathParts(root);
    return (inner.scheme === outer.scheme &&
        outer.parts.length > 0 &&
        outer.parts.every((part, index) => inner.parts[index] === part));
}
/** Checks whether a local path lies at or below a local root URI. */
function isLocalPathWithin(path, root) {
    const rootParsed = parseUri(root);
    if (rootParsed.scheme !== '' && rootParsed.scheme !== 'file')
        return false;
    const clean = (p) => p.replace(/\/+$/, '');
    const base = clean(rootParsed.path);
    return clean(path) === base || clean(path).startsWith(`${base}/`);
}

;// CONCATENATED MODULE: ./src/fake-server/routes/version-source.ts


/** Schemes whose URIs make a server connect to the host they name. */
const HOST_ADDRESSED = new Set([
    'ftp',
    'sftp',
    'hdfs',
    'viewfs',
    'http',
    'https',
    'mlflow-artifacts',
    'r2',
    'b2',
    'abfss'
]);
function invalidSource(source, field) {
    return invalidParameter(`Invalid model version source: '${source}'. The ${field} request ` +
        'parameter must identify the resource that contains the source.');
}
function localSourceError(source, field) {
    return invalidParameter(`Invalid model version source: '${source}'. To use a local path as a ` +
        `model version source, the ${field} request parameter has to be ` +
        'specified and the local path has to be contained within the ' +
        `artifact directory of the run specified by the ${field}.`);
}
/**
 * Applies the source rules of MLflow 3.17.2's `model-versions/create`.
 * Schemes that name a host (`http:`, `mlflow-artifacts://host`) are
 * rejected. A `runs:/` source needs the matching `run_id`, and an
 * `mlflow-artifacts:` source needs the `run_id` (or `model_id`) whose
 * artifact root contains it. `models:/<id>` needs the matching `model_id`.
 * Local paths must lie in the run's local artifact directory, and no
 * source may climb with `..`.
 */
function checkVersionSource(context, request) {
    const parsed = parseUri(request.source);
    rejectHostAddressed(parsed);
    let { source } = request;
    let runId = request.runId ?? '';
    const modelId = request.modelId ?? '';
    if (parsed.scheme === 'models') {
        const lineage = resolveRegisteredSource(context, request, parsed);
        source = lineage.source;
        runId = lineage.runId;
    }
    if (modelId)
        checkModelSource(context, source, modelId);
    else
        checkRunSource(context, source, runId);
    return resolveStorage(context, source, runId, modelId);
}
function rejectHostAddressed(parsed) {
    if (!HOST_ADDRESSED.has(parsed.scheme))
        return;
    if (parsed.scheme === 'mlflow-artifacts' && parsed.netloc === '')
        return;
    const scheme = parsed.scheme;
    throw invalidParameter(`'source' cannot use the '${scheme}' scheme: the '${scheme}' scheme ` +
        "addresses a host other than the tracking server's configured " +
        'artifact storage, so the server would connect to the host named in ' +
        'the URI. Set the MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES ' +
        'environment variable on the server to allow it.');
}
/** A `models:/<name>/<version>` source takes the lineage of that version. */
function resolveRegisteredSource(context, request, parsed) {
    const runId = request.runId ?? '';
    if (parsed.netloc !== '') {
        throw invalidParameter(`Invalid model version source: '${request.source}'. Registered model ` +
            'sources must use the active model registry.');
    }
    const target = parseModelsPath(request.source, parsed.path);
    if (target.modelId !== undefined)
        return { source: request.source, runId };
    const { registry } = context.state;
    registry.getModel(target.name);
    let version = registry.versionByAlias(target.name, 'latest');
    if (target.alias !== undefined) {
        version = registry.versionByAlias(target.name, target.alias);
    }
    else if (target.version !== undefined) {
        version = registry.getVersion(target.name, target.version);
    }
    if (request.runId !== undefined && runId !== version.runId) {
        throw invalidParameter(`Invalid model version source: '${request.source}'. The run_id and ` +
            'model_id request parameters must match the referenced model version.');
    }
    return {
        source: `models:/${target.name}/${version.version}`,
        runId: request.runId ?? version.runId
    };
}
function checkRunSource(context, source, runId) {
    const parsed = parseUri(source);
    if (parsed.scheme === '' || parsed.scheme === 'file') {
        const run = runId ? context.state.tracking.findRun(runId) : undefined;
        if (runId && !run)
            throw invalidSource(source, 'run_id');
        if (run && isLocalPathWithin(parsed.path, run.artifactUri))
            return;
        throw localSourceError(source, 'run_id');
    }
    rejectRelativePaths(source);
    if (parsed.scheme === 'runs') {
        const sourceRunId = parsed.path.replace(/^\/+/, '').split('/')[0];
        if (parsed.netloc === '' && runId && sourceRunId === runId)
            return;
        throw invalidSource(source, 'run_id');
    }
    if (parsed.scheme === 'models') {
        const target = parseModelsPath(source, parsed.path);
        if (parsed.netloc !== '' || target.modelId !== undefined) {
            throw invalidSource(source, 'model_id');
        }
    }
    if (parsed.scheme === 'mlflow-artifacts') {
        const run = runId ? context.state.tracking.findRun(runId) : undefined;
        if (run && isWithinRoot(source, run.artifactUri))
            return;
        throw invalidSource(source, 'run_id');
    }
}
function checkModelSource(context, source, modelId) {
    const parsed = parseUri(source);
    const model = () => context.state.tracking.findLoggedModel(modelId);
    if (parsed.scheme === '' || parsed.scheme === 'file') {
        const found = model();
        if (!found)
            throw invalidSource(source, 'model_id');
        if (isLocalPathWithin(parsed.path, found.artifactUri))
            return;
        throw localSourceError(source, 'model_id');
    }
    rejectRelativePaths(source);
    if (parsed.scheme === 'models') {
        const target = parseModelsPath(source, parsed.path);
        if (parsed.netloc !== '')
            throw invalidSource(source, 'model_id');
        if (target.modelId !== undefined && target.modelId !== modelId) {
            throw invalidSource(source, 'model_id');
        }
    }
    if (parsed.scheme === 'runs')
        throw invalidSource(source, 'model_id');
    if (parsed.scheme === 'mlflow-artifacts') {
        const found = model();
        if (found && isWithinRoot(source, found.artifactUri))
            return;
        throw invalidSource(source, 'model_id');
    }
}
/**
 * MLflow's guard against sources that climb out of their root: after
 * repeated URL-decoding, the path must be absolute and normalised, with
 * no `.` or `..` parts and no NUL byte.
 */
function rejectRelativePaths(source) {
    let decoded = source;
    for (;;) {
        const next = decodePlus(decoded);
        if (next === decoded)
            break;
        decoded = next;
    }
    const path = parseUri(decoded).path.replace(/\/+$/, '').replace(/\/+/g, '/');
    const climbs = decoded.split('/').includes('..');
    const normalised = path.startsWith('/') &&
        !path.split('/').some(part => part === '.' || part === '..');
    if (path.includes('\u0000') || climbs || !normalised) {
        throw invalidParameter(`Invalid model version source: '${source}'. If supplying a source as ` +
            'an http, https, local file path, ftp, objectstore, or ' +
            'mlflow-artifacts uri, an absolute path must be provided without ' +
            'relative path references present. Please provide an absolute path.');
    }
}
/** Resolves where the version's files are, as the SQL registry store does. */
function resolveStorage(context, source, runId, modelId) {
    const { tracking, registry } = context.state;
    const parsed = parseUri(source);
    let storageLocation = source;
    let resolvedRunId = runId;
    if (parsed.scheme === 'models') {
        const target = parseModelsPath(source, parsed.path);
        if (target.modelId !== undefined) {
            const model = tracking.findLoggedModel(target.modelId);
            if (!model) {
                throw new MlflowError('INTERNAL_ERROR', `Unable to fetch model from model URI source artifact location ` +
                    `'${source}'.Error: Logged model with ID '${target.modelId}' ` +
                    'not found.');
            }
            storageLocation = model.artifactUri;
            resolvedRunId = resolvedRunId || model.sourceRunId;
        }
        else {
            storageLocation = registry.getVersion(target.name, target.version ?? '').storageLocation;
        }
    }
    if (!resolvedRunId && modelId) {
        resolvedRunId = tracking.getLoggedModel(modelId).sourceRunId;
    }
    return { source, runId: resolvedRunId, storageLocation };
}

;// CONCATENATED MODULE: ./src/fake-server/routes/model-versions.ts









const model_versions_API = '/api/2.0/mlflow/model-versions';
function createVersion(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        source: requiredString,
        run_id: optionalString,
        tags: tagList,
        run_link: optionalString,
        description: optionalString,
        model_id: optionalString
    });
    const checked = checkVersionSource(context, {
        source: params.source,
        runId: params.run_id,
        modelId: params.model_id
    });
    const version = context.state.registry.createVersion({
        name: params.name,
        ...checked,
        runLink: params.run_link ?? '',
        description: params.description ?? '',
        tags: params.tags ?? []
    });
    if (params.model_id)
        tagLoggedModel(context, params.model_id, version);
    return messageResponse({ model_version: modelVersionJson(version) });
}
/** MLflow 3 records each registration on the logged model as a tag. */
function tagLoggedModel(context, modelId, version) {
    const model = context.state.tracking.findLoggedModel(modelId);
    if (!model)
        return;
    const key = 'mlflow.modelVersions';
    const earlier = JSON.parse(model.tags.get(key) ?? '[]');
    const entries = [...earlier, { name: version.name, version: version.version }];
    // Python's json.dumps layout, as the real server writes the tag.
    const text = entries
        .map(e => `{"name": ${JSON.stringify(e.name)}, "version": ${e.version}}`)
        .join(', ');
    model.tags.set(key, `[${text}]`);
}
function versionParams(context) {
    return parseParams(context.request, {
        name: requiredString,
        version: requiredString
    });
}
function getVersion(context) {
    const { name, version } = versionParams(context);
    const { registry } = context.state;
    const found = registry.readVersion(name, version);
    const aliases = versionAliases(registry.findModel(name), found.version);
    return messageResponse({ model_version: modelVersionJson(found, aliases) });
}
/**
 * Searches model versions. Like MLflow 3.17.2's SQL store, results carry
 * no aliases unless the quirk is on, and the basic-auth app drops
 * versions of models the user cannot read instead of rejecting the request.
 */
function searchVersions(context) {
    const params = parseParams(context.request, {
        filter: optionalString,
        max_results: intLike(200_000),
        order_by: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
        page_token: optionalString
    }, ['order_by']);
    if (context.settings.quirks.emptyVersionSearch)
        return messageResponse({});
    const { registry } = context.state;
    const clauses = parseFilter(params.filter, [
        'name',
        'version_number',
        'run_id',
        'source_path'
    ]);
    if (context.settings.quirks.singleQuotedFilters) {
        checkSingleQuoted(params.filter, clauses, true);
    }
    const matching = orderVersions(registry
        .listVersions()
        .filter(version => matchesFilter(clauses, (type, key) => versionField(version, type, key))), params.order_by);
    const page = paginate(matching, params.max_results ?? 200_000, params.page_token);
    const withAliases = context.settings.quirks.versionSearchAliases;
    const readable = page.items
        .filter(version => context.access.model(version.name).canRead)
        .map(version => modelVersionJson(version, withAliases
        ? versionAliases(registry.findModel(version.name), version.version)
        : []));
    return messageResponse({
        ...(readable.length > 0 ? { model_versions: readable } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
    });
}
function versionField(version, type, key) {
    if (type === 'tag')
        return version.tags.get(key);
    switch (key) {
        case 'name':
            return version.name;
        case 'run_id':
            return version.runId;
        case 'source_path':
            return version.source;
        default:
            return version.version;
    }
}
function updateVersion(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        version: requiredString,
        description: optionalString
    });
    const { registry } = context.state;
    const found = registry.getVersion(params.name, params.version);
    if (params.description !== undefined)
        found.description = params.description;
    registry.touchVersion(found);
    return messageResponse({ model_version: modelVersionJson(found) });
}
function deleteVersion(context) {
    const { name, version } = versionParams(context);
    context.state.registry.deleteVersion(name, version);
    return messageResponse({});
}
function setVersionTag(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        version: requiredString,
        key: requiredString,
        value: schemas/* string */.YjP().default('')
    });
    const found = context.state.registry.getVersion(params.name, params.version);
    found.tags.set(params.key, params.value);
    return messageResponse({});
}
function deleteVersionTag(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        version: requiredString,
        key: requiredString
    });
    const found = context.state.registry.getVersion(params.name, params.version);
    found.tags.delete(params.key);
    return messageResponse({});
}
function getDownloadUri(context) {
    const { name, version } = versionParams(context);
    const found = context.state.registry.getVersion(name, version);
    return messageResponse({ artifact_uri: found.storageLocation });
}
/** The model-version routes of MLflow's REST API. */
const modelVersionRoutes = [
    {
        method: 'POST',
        path: `${model_versions_API}/create`,
        handle: createVersion,
        authorize: canCreateVersion
    },
    {
        method: 'GET',
        path: `${model_versions_API}/get`,
        handle: getVersion,
        authorize: canReadVersion
    },
    { method: 'GET', path: `${model_versions_API}/search`, handle: searchVersions },
    {
        method: 'PATCH',
        path: `${model_versions_API}/update`,
        handle: updateVersion,
        authorize: canUpdateVersion
    },
    {
        method: 'DELETE',
        path: `${model_versions_API}/delete`,
        handle: deleteVersion,
        authorize: canDeleteVersion
    },
    {
        method: 'POST',
        path: `${model_versions_API}/set-tag`,
        handle: setVersionTag,
        authorize: canUpdateVersion
    },
    {
        method: 'DELETE',
        path: `${model_versions_API}/delete-tag`,
        handle: deleteVersionTag,
        authorize: canDeleteVersion
    },
    {
        method: 'GET',
        path: `${model_versions_API}/get-download-uri`,
        handle: getDownloadUri,
        authorize: canReadVersion
    }
];

;// CONCATENATED MODULE: ./src/fake-server/routes/probes.ts

function health() {
    return textResponse(200, 'OK', 'text/plain; charset=utf-8');
}
function version(context) {
    return textResponse(200, context.settings.mlflowVersion);
}
/** Returns MLflow 3.17.2's server-info response for a SQL store. */
function serverInfo() {
    return jsonText(200, JSON.stringify({
        store_type: 'SqlStore',
        workspaces_enabled: false,
        trace_archival_enabled: false,
        multipart_uploads_enabled: false,
        multipart_downloads_enabled: false,
        presigned_upload_run_id_supported: true,
        presigned_upload_model_id_supported: true,
        features_enabled: { gateway: true }
    }));
}
/** Health, version and server-info probes. */
const probeRoutes = [
    { method: 'GET', path: '/health', handle: health },
    { method: 'GET', path: '/version', handle: version },
    {
        method: 'GET',
        path: '/api/3.0/mlflow/server-info',
        handle: serverInfo,
        mlflow3Only: true
    }
];

;// CONCATENATED MODULE: ./src/fake-server/routes/registered-models.ts







const registered_models_API = '/api/2.0/mlflow/registered-models';
function createModel(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        tags: tagList,
        description: optionalString
    });
    const model = context.state.registry.createModel(params.name, params.tags ?? [], params.description);
    // The basic-auth app makes the creator the model's manager.
    const user = context.access.user;
    if (user && !user.isAdmin) {
        context.state.users.grant(user.username, 'registered_model', model.name, 'MANAGE');
    }
    return messageResponse({ registered_model: registeredModelJson(model) });
}
function getModel(context) {
    const { name } = parseParams(context.request, { name: requiredString });
    const model = context.state.registry.getModel(name);
    return messageResponse({ registered_model: registeredModelJson(model) });
}
/**
 * Searches registered models. Like the basic-auth app, it never rejects a user:
 * it drops the models the user cannot read from the page it found.
 */
function searchModels(context) {
    const params = parseParams(context.request, {
        filter: optionalString,
        max_results: intLike(1000),
        order_by: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
        page_token: optionalString
    }, ['order_by']);
    if (context.settings.quirks.emptyModelSearch)
        return messageResponse({});
    const clauses = parseFilter(params.filter, ['name']);
    if (context.settings.quirks.singleQuotedFilters) {
        checkSingleQuoted(params.filter, clauses, false);
    }
    const matching = context.state.registry
        .listModels()
        .filter(model => matchesFilter(clauses, (type, key) => type === 'tag' ? model.tags.get(key) : model.name));
    const page = paginate(matching, params.max_results ?? 100, params.page_token);
    const readable = page.items.filter(model => context.access.model(model.name).canRead);
    return messageResponse({
        ...(readable.length > 0
            ? { registered_models: readable.map(registeredModelJson) }
            : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
    });
}
function updateModel(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        description: optionalString
    });
    const model = context.state.registry.getModel(params.name);
    if (params.description !== undefined)
        model.description = params.description;
    context.state.registry.touch(model);
    return messageResponse({ registered_model: registeredModelJson(model) });
}
function deleteModel(context) {
    const { name } = parseParams(context.request, { name: requiredString });
    context.state.registry.deleteModel(name);
    context.state.users.revokeAll('registered_model', name);
    return messageResponse({});
}
function setModelTag(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        key: requiredString,
        value: schemas/* string */.YjP().default('')
    });
    const model = context.state.registry.getModel(params.name);
    model.tags.set(params.key, params.value);
    return messageResponse({});
}
function deleteModelTag(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        key: requiredString
    });
    context.state.registry.getModel(params.name).tags.delete(params.key);
    return messageResponse({});
}
function setAlias(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        alias: requiredString,
        version: requiredString
    });
    context.state.registry.setAlias(params.name, params.alias, params.version);
    return messageResponse({});
}
function deleteAlias(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        alias: requiredString
    });
    context.state.registry.deleteAlias(params.name, params.alias);
    return messageResponse({});
}
function getVersionByAlias(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        alias: requiredString
    });
    const { registry } = context.state;
    const version = registry.versionByAlias(params.name, params.alias);
    const aliases = versionAliases(registry.findModel(params.name), version.version);
    return messageResponse({ model_version: modelVersionJson(version, aliases) });
}
/** The latest version per stage; every version here is in stage "None". */
function getLatestVersions(context) {
    const params = parseParams(context.request, { name: requiredString, stages: schemas/* array */.YOg(schemas/* string */.YjP()).optional() }, ['stages']);
    const { registry } = context.state;
    const model = registry.getModel(params.name);
    const stages = params.stages ?? [];
    const wantsNone = stages.length === 0 || stages.some(stage => stage.toLowerCase() === 'none');
    const latest = wantsNone ? registry.latestVersion(params.name) : undefined;
    if (!latest)
        return messageResponse({});
    const aliases = versionAliases(model, latest.version);
    return messageResponse({
        model_versions: [modelVersionJson(latest, aliases)]
    });
}
/** The registered-model routes of MLflow's REST API. */
const registeredModelRoutes = [
    { method: 'POST', path: `${registered_models_API}/create`, handle: createModel },
    {
        method: 'GET',
        path: `${registered_models_API}/get`,
        handle: getModel,
        authorize: canReadModel
    },
    { method: 'GET', path: `${registered_models_API}/search`, handle: searchModels },
    {
        method: 'PATCH',
        path: `${registered_models_API}/update`,
        handle: updateModel,
        authorize: canUpdateModel
    },
    {
        method: 'DELETE',
        path: `${registered_models_API}/delete`,
        handle: deleteModel,
        authorize: canDeleteModel
    },
    {
        method: 'POST',
        path: `${registered_models_API}/set-tag`,
        handle: setModelTag,
        authorize: canUpdateModel
    },
    {
        method: 'DELETE',
        path: `${registered_models_API}/delete-tag`,
        handle: deleteModelTag,
        authorize: canUpdateModel
    },
    {
        method: 'POST',
        path: `${registered_models_API}/alias`,
        handle: setAlias,
        authorize: canUpdateVersion
    },
    {
        method: 'DELETE',
        path: `${registered_models_API}/alias`,
        handle: deleteAlias,
        authorize: canDeleteVersion
    },
    {
        method: 'GET',
        path: `${registered_models_API}/alias`,
        handle: getVersionByAlias,
        authorize: canReadVersion
    },
    ...['GET', 'POST'].map(method => ({
        method,
        path: `${registered_models_API}/get-latest-versions`,
        handle: getLatestVersions,
        authorize: canReadVersion
    }))
];

;// CONCATENATED MODULE: ./src/fake-server/routes/run-search.ts






/**
 * Searches runs by attribute and tag. Like MLflow 3.17.2, a user sees
 * only runs of experiments they may read, and the default page contains
 * up to 1000 runs. Runs come in creation order, because the fake does not
 * support `order_by`.
 */
function searchRuns(context) {
    const params = parseParams(context.request, {
        experiment_ids: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
        filter: optionalString,
        max_results: intLike(50_000),
        page_token: optionalString
    });
    const clauses = parseFilter(params.filter, ['run_id', 'run_name', 'status']);
    const readable = (params.experiment_ids ?? []).filter(id => context.access.experiment(id).canRead);
    const matching = context.state.tracking
        .listRuns(readable)
        .filter(run => matchesFilter(clauses, (type, key) => runField(run, type, key)));
    const page = paginate(matching, params.max_results ?? 1000, params.page_token);
    return messageResponse({
        ...(page.items.length > 0
            ? { runs: page.items.map(run => runJson(run, true)) }
            : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
    });
}
function runField(run, type, key) {
    if (type === 'tag')
        return run.tags.get(key);
    switch (key) {
        case 'run_id':
            return run.runId;
        case 'run_name':
            return run.runName;
        default:
            return run.status;
    }
}
/** The `runs/search` route of MLflow's REST API. */
const runSearchRoutes = [
    {
        method: 'POST',
        path: '/api/2.0/mlflow/runs/search',
        handle: searchRuns
    }
];

;// CONCATENATED MODULE: ./src/fake-server/routes/tracking.ts







const tracking_API = '/api/2.0/mlflow';
function createExperiment(context) {
    const params = parseParams(context.request, {
        name: requiredString,
        artifact_location: optionalString,
        tags: tagList
    });
    const experiment = context.state.tracking.createExperiment(params.name);
    for (const tag of params.tags ?? [])
        experiment.tags.set(tag.key, tag.value);
    const user = context.access.user;
    if (user && !user.isAdmin) {
        context.state.users.grant(user.username, 'experiment', experiment.experimentId, 'MANAGE');
    }
    return messageResponse({ experiment_id: experiment.experimentId });
}
function getExperimentByName(context) {
    const { experiment_name: name } = parseParams(context.request, {
        experiment_name: requiredString
    });
    const experiment = context.state.tracking.findExperimentByName(name);
    if (!experiment) {
        throw notFound(`Could not find experiment with name '${name}'`);
    }
    return messageResponse({ experiment: experimentJson(experiment) });
}
/**
 * The basic-auth app looks the experiment up before the handler does and
 * words its own not-found error, without quotes around the name.
 */
function canReadExperimentByName(context) {
    const name = authParam(context.request, 'experiment_name');
    const experiment = context.state.tracking.findExperimentByName(name);
    if (!experiment) {
        throw notFound(`Could not find experiment with name ${name}`);
    }
    return context.access.experiment(experiment.experimentId).canRead;
}
function getExperiment(context) {
    const { experiment_id: id } = parseParams(context.request, {
        experiment_id: requiredString
    });
    const experiment = context.state.tracking.getExperiment(id);
    return messageResponse({ experiment: experimentJson(experiment) });
}
function createRun(context) {
    const params = parseParams(context.request, {
        experiment_id: optionalString,
        user_id: optionalString,
        start_time: intLike(Number.MAX_SAFE_INTEGER),
        run_name: optionalString,
        tags: tagList
    });
    const run = context.state.tracking.createRun({
        experimentId: params.experiment_id ?? '',
        ...(params.run_name === undefined ? {} : { runName: params.run_name }),
        userId: params.user_id ?? '',
        startTime: params.start_time ?? 0,
        tags: params.tags ?? []
    });
    return messageResponse({ run: runJson(run, false) });
}
function runIdParams(context) {
    const runId = peekParam(context.request, 'run_uuid');
    const params = parseParams(context.request, {
        run_id: runId ? optionalString : requiredString
    });
    return params.run_id ?? runId;
}
function getRun(context) {
    const run = context.state.tracking.getRun(runIdParams(context));
    return messageResponse({ run: runJson(run, true) });
}
function updateRun(context) {
    const params = parseParams(context.request, {
        run_id: requiredString,
        status: optionalString,
        end_time: intLike(Number.MAX_SAFE_INTEGER),
        run_name: optionalString
    });
    const run = context.state.tracking.getRun(params.run_id);
    if (params.status !== undefined)
        run.status = params.status;
    if (params.end_time !== undefined)
        run.endTime = params.end_time;
    if (params.run_name) {
        run.runName = params.run_name;
        run.tags.set('mlflow.runName', params.run_name);
    }
    return messageResponse({ run_info: runInfoJson(run) });
}
function setRunTag(context) {
    const runId = runIdParams(context);
    const params = parseParams(context.request, {
        key: requiredString,
        value: schemas/* string */.YjP().default('')
    });
    context.state.tracking.getRun(runId).tags.set(params.key, params.value);
    return messageResponse({});
}
/**
 * Lists a run's artifacts below `path`, with paths relative to the run's
 * artifact root. Only runs whose root is on the artifact proxy have
 * artifacts here.
 */
function tracking_listArtifacts(context) {
    const params = parseParams(context.request, {
        run_id: requiredString,
        path: optionalString,
        page_token: optionalString
    });
    const run = context.state.tracking.getRun(params.run_id);
    const relative = safeArtifactPath(params.path ?? '');
    const root = proxyPathOf(run.artifactUri);
    const entries = root === undefined
        ? []
        : context.state.artifacts.list(joinArtifactPath(root, relative));
    const files = entries.map(entry => ({
        path: joinArtifactPath(relative, entry.path),
        is_dir: entry.isDir,
        ...(entry.fileSize === undefined ? {} : { file_size: entry.fileSize })
    }));
    return messageResponse({
        root_uri: run.artifactUri,
        ...(files.length > 0 ? { files } : {})
    });
}
/** The experiment, run and run-artifact routes of MLflow's REST API. */
const trackingRoutes = [
    {
        method: 'POST',
        path: `${tracking_API}/experiments/create`,
        handle: createExperiment
    },
    {
        method: 'GET',
        path: `${tracking_API}/experiments/get-by-name`,
        handle: getExperimentByName,
        authorize: canReadExperimentByName
    },
    {
        method: 'GET',
        path: `${tracking_API}/experiments/get`,
        handle: getExperiment,
        authorize: canReadExperiment
    },
    {
        method: 'POST',
        path: `${tracking_API}/runs/create`,
        handle: createRun,
        authorize: canCreateInExperiment
    },
    {
        method: 'GET',
        path: `${tracking_API}/runs/get`,
        handle: getRun,
        authorize: canReadRun
    },
    {
        method: 'POST',
        path: `${tracking_API}/runs/update`,
        handle: updateRun,
        authorize: canUpdateRun
    },
    {
        method: 'POST',
        path: `${tracking_API}/runs/set-tag`,
        handle: setRunTag,
        authorize: canUpdateRun
    },
    {
        method: 'GET',
        path: `${tracking_API}/artifacts/list`,
        handle: tracking_listArtifacts,
        authorize: canReadRun
    }
];

;// CONCATENATED MODULE: ./src/fake-server/routes/users.ts




/**
 * The basic-auth app's user routes as of MLflow 3.17.2, where per-user
 * grants go through `/api/3.0/mlflow/users/permissions/*` (the older
 * `registered-models/permissions/*` routes return 404). Responses are
 * Flask `jsonify` output: compact JSON with a trailing newline.
 */
const USERS = '/api/2.0/mlflow/users';
const PERMISSIONS = '/api/3.0/mlflow/users/permissions';
function jsonify(body) {
    return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: formatJsonify(body)
    };
}
function userJson(user) {
    return { id: user.id, is_admin: user.isAdmin, username: user.username };
}
function createUser(context) {
    const params = parseParams(context.request, {
        username: requiredString,
        password: requiredString
    });
    const user = context.state.users.create(params.username, params.password);
    return jsonify({ user: userJson(user) });
}
function getUser(context) {
    const { username } = parseParams(context.request, {
        username: requiredString
    });
    return jsonify({ user: userJson(context.state.users.get(username)) });
}
function currentUser(context) {
    const user = context.access.user;
    return jsonify({
        is_basic_auth: true,
        ...(user ? { user: userJson(user) } : {})
    });
}
function resourceType(value) {
    if (value === 'registered_model' || value === 'experiment')
        return value;
    throw invalidParameter(`Unsupported resource_type: '${value}'.`);
}
function grantParams(context) {
    return parseParams(context.request, {
        username: requiredString,
        resource_type: requiredString,
        resource_id: requiredString
    });
}
function grantPermission(context) {
    const params = grantParams(context);
    const { permission } = parseParams(context.request, {
        permission: requiredString
    });
    context.state.users.grant(params.username, resourceType(params.resource_type), params.resource_id, permission);
    return jsonify({});
}
function revokePermission(context) {
    const params = grantParams(context);
    context.state.users.revoke(params.username, resourceType(params.resource_type), params.resource_id);
    return jsonify({});
}
function getPermission(context) {
    const params = grantParams(context);
    context.state.users.get(params.username);
    const permission = context.state.users.permission(params.username, resourceType(params.resource_type), params.resource_id);
    return jsonify({ allowed: permission.canUse, permission: permission.name });
}
/** Admins, or users with MANAGE on the resource, may change its grants. */
function canManageResource(context) {
    const type = authParam(context.request, 'resource_type');
    const id = authParam(context.request, 'resource_id');
    switch (type) {
        case 'registered_model':
            return context.access.model(id).canManage;
        case 'experiment':
            return context.access.experiment(id).canManage;
        default:
            return false;
    }
}
/** The basic-auth app's user and permission routes. */
const userRoutes = [
    {
        method: 'POST',
        path: `${USERS}/create`,
        handle: createUser,
        authorize: isAdmin
    },
    {
        method: 'GET',
        path: `${USERS}/get`,
        handle: getUser,
        authorize: isSelfOrAdmin
    },
    { method: 'GET', path: `${USERS}/current`, handle: currentUser },
    {
        method: 'POST',
        path: `${PERMISSIONS}/grant`,
        handle: grantPermission,
        authorize: canManageResource
    },
    {
        method: 'POST',
        path: `${PERMISSIONS}/revoke`,
        handle: revokePermission,
        authorize: canManageResource
    },
    {
        method: 'GET',
        path: `${PERMISSIONS}/get`,
        handle: getPermission,
        authorize: isSelfOrAdmin
    }
];

;// CONCATENATED MODULE: ./src/fake-server/routes/index.ts








/**
 * Lists every route the fake serves. The user routes exist only on a server
 * with auth, as they do only in MLflow's basic-auth app, and the MLflow 3
 * routes only when the fake acts as MLflow 3.
 */
function fakeRoutes(options) {
    const routes = [
        ...probeRoutes,
        ...registeredModelRoutes,
        ...modelVersionRoutes,
        ...trackingRoutes,
        ...runSearchRoutes,
        ...loggedModelRoutes,
        ...artifactProxyRoutes,
        ...(options.authEnabled ? userRoutes : [])
    ];
    return options.mlflowMajor === 3
        ? routes
        : routes.filter(route => route.mlflow3Only !== true);
}

// EXTERNAL MODULE: external "node:fs/promises"
var external_node_fs_promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./src/fake-server/store/artifacts.ts



/**
 * Artifacts stored under relative paths such as `1/<run>/artifacts/x`.
 * An index of sizes serves listings; bytes stay in memory or go to a
 * temporary directory that `close()` removes.
 */
class ArtifactStore {
    directory;
    sizes = new Map();
    bytes = new Map();
    constructor(directory) {
        this.directory = directory;
    }
    /** Opens a store, creating its temporary directory if needed. */
    static async open(storage) {
        if (storage === 'memory')
            return new ArtifactStore(undefined);
        const directory = await (0,external_node_fs_promises_.mkdtemp)(external_node_path_default().join((0,external_node_os_.tmpdir)(), 'mlflow-fake-'));
        return new ArtifactStore(directory);
    }
    /** Stores a file, replacing any earlier one at the same path. */
    async put(artifactPath, data) {
        if (this.directory === undefined) {
            this.bytes.set(artifactPath, data);
        }
        else {
            const file = external_node_path_default().join(this.directory, artifactPath);
            await (0,external_node_fs_promises_.mkdir)(external_node_path_default().dirname(file), { recursive: true });
            await (0,external_node_fs_promises_.writeFile)(file, data);
        }
        this.sizes.set(artifactPath, data.length);
    }
    /** Reads a file; undefined when no file has that path. */
    async get(artifactPath) {
        if (!this.sizes.has(artifactPath))
            return undefined;
        if (this.directory === undefined)
            return this.bytes.get(artifactPath);
        return (0,external_node_fs_promises_.readFile)(external_node_path_default().join(this.directory, artifactPath));
    }
    /** Checks whether a path is a directory: a prefix of a stored file. */
    isDirectory(artifactPath) {
        const prefix = artifactPath === '' ? '' : `${artifactPath}/`;
        return [...this.sizes.keys()].some(key => key.startsWith(prefix));
    }
    /** Lists the files and directories directly below a directory. */
    list(directory) {
        const prefix = directory === '' ? '' : `${directory.replace(/\/+$/, '')}/`;
        const entries = new Map();
        for (const [key, size] of this.sizes) {
            if (!key.startsWith(prefix))
                continue;
            const [name, ...rest] = key.slice(prefix.length).split('/');
            if (name === undefined || name === '')
                continue;
            entries.set(name, rest.length > 0
                ? { path: name, isDir: true }
                : {
                    path: name,
                    isDir: false,
                    ...(size > 0 ? { fileSize: size } : {})
                });
        }
        return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
    }
    /** Deletes a file or a whole directory. */
    async delete(artifactPath) {
        for (const key of [...this.sizes.keys()]) {
            if (key === artifactPath || key.startsWith(`${artifactPath}/`)) {
                this.sizes.delete(key);
                this.bytes.delete(key);
            }
        }
        if (this.directory !== undefined) {
            await (0,external_node_fs_promises_.rm)(external_node_path_default().join(this.directory, artifactPath), {
                recursive: true,
                force: true
            });
        }
    }
    /** Forgets every artifact. */
    async clear() {
        await this.delete('');
        this.sizes.clear();
        this.bytes.clear();
    }
    /** Removes the temporary directory, if the store has one. */
    async close() {
        this.sizes.clear();
        this.bytes.clear();
        if (this.directory !== undefined) {
            await (0,external_node_fs_promises_.rm)(this.directory, { recursive: true, force: true });
        }
    }
}

;// CONCATENATED MODULE: ./src/fake-server/store/registry-validation.ts

/** The registry's input checks, with MLflow 3.17.2's messages. */
/** Compares strings by code unit, as Python and SQLite order them. */
function compareText(a, b) {
    if (a < b)
        return -1;
    return a > b ? 1 : 0;
}
/** Rejects model names that contain `/` or `:`. */
function validateModelName(name) {
    if (name.includes('/') || name.includes(':')) {
        throw invalidParameter(`Invalid model name '${name}'. Names cannot contain '/' or ':'.`);
    }
}
/** Reads a version number, rejecting text as MLflow does. */
function parseVersionNumber(version) {
    if (!/^\s*-?\d+\s*$/.test(version)) {
        throw invalidParameter(`Parameter 'version' must be an integer, got '${version}'.`);
    }
    return Number(version);
}
/** Rejects empty aliases and aliases with characters outside `[\w-]`. */
function validateAliasName(alias) {
    if (alias === '') {
        throw invalidParameter('Registered model alias name cannot be empty.');
    }
    if (!/^[\p{L}\p{N}_-]*$/u.test(alias)) {
        throw invalidParameter(`Invalid alias name: '${alias}'. Names may only contain ` +
            'alphanumerics, underscores (_), and dashes (-).');
    }
}
/** Rejects invalid aliases and the reserved `latest` and `v<number>`. */
function validateAlias(alias) {
    validateAliasName(alias);
    if (alias.toLowerCase() === 'latest') {
        throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
    }
    if (/^[vV]\d+$/.test(alias)) {
        throw invalidParameter(`Version alias name '${alias}' is reserved.`);
    }
}

;// CONCATENATED MODULE: ./src/fake-server/store/registry.ts


/** Registered models, their versions, tags and aliases, in memory. */
class RegistryStore {
    now;
    statusPlan;
    models = new Map();
    constructor(now) {
        this.now = now;
    }
    /** Creates a registered model; a taken name is RESOURCE_ALREADY_EXISTS. */
    createModel(name, tags, description) {
        validateModelName(name);
        if (this.models.has(name)) {
            throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
        }
        const time = this.now();
        const model = {
            name,
            creationTimestamp: time,
            lastUpdatedTimestamp: time,
            ...(description === undefined ? {} : { description }),
            tags: new Map(tags.map(tag => [tag.key, tag.value])),
            aliases: new Map(),
            versions: []
        };
        this.models.set(name, model);
        return model;
    }
    /** Finds a registered model by exact name. */
    findModel(name) {
        return this.models.get(name);
    }
    /** Gets a registered model or raises MLflow's not-found error. */
    getModel(name) {
        const model = this.models.get(name);
        if (!model) {
            throw notFound(`Registered Model with name=${name} not found`);
        }
        return model;
    }
    /** Lists every registered model, sorted by name as MLflow sorts them. */
    listModels() {
        return [...this.models.values()].sort((a, b) => compareText(a.name, b.name));
    }
    /** Removes a registered model with its versions and aliases. */
    deleteModel(name) {
        this.getModel(name);
        this.models.delete(name);
    }
    /** Marks a model changed now. */
    touch(model) {
        model.lastUpdatedTimestamp = this.now();
    }
    /** Marks a version changed now. */
    touchVersion(version) {
        version.lastUpdatedTimestamp = this.now();
    }
    /** Creates a version numbered one above the highest ever used. */
    createVersion(fields) {
        validateModelName(fields.name);
        const model = this.getModel(fields.name);
        const time = this.now();
        const highest = Math.max(0, ...model.versions.map(v => v.version));
        const plan = this.statusPlan;
        const version = {
            name: fields.name,
            version: highest + 1,
            creationTimestamp: time,
            lastUpdatedTimestamp: time,
            description: fields.description,
            source: fields.source,
            runId: fields.runId,
            runLink: fields.runLink,
            storageLocation: fields.storageLocation,
            status: plan ? 'PENDING_REGISTRATION' : 'READY',
            pendingReads: plan?.pendingReads ?? 0,
            tags: new Map(fields.tags.map(tag => [tag.key, tag.value])),
            deleted: false
        };
        model.versions.push(version);
        model.lastUpdatedTimestamp = time;
        return version;
    }
    /** Gets a live version or raises MLflow's not-found error. */
    getVersion(name, version) {
        const number = parseVersionNumber(version);
        const found = this.models
            .get(name)
            ?.versions.find(v => v.version === number && !v.deleted);
        if (!found) {
            throw notFound(`Model Version (name=${name}, version=${number}) not found`);
        }
        return found;
    }
    /**
     * Gets a version for a client read, advancing the status plan: each
     * read spends one pending read, and the read after the last one finds
     * the planned outcome.
     */
    readVersion(name, version) {
        const found = this.getVersion(name, version);
        if (found.status !== 'PENDING_REGISTRATION')
            return found;
        if (found.pendingReads > 0) {
            found.pendingReads--;
            return found;
        }
        found.status = this.statusPlan?.outcome ?? 'READY';
        const message = this.statusPlan?.statusMessage;
        if (message !== undefined)
            found.statusMessage = message;
        return found;
    }
    /** Lists every live version, newest change first, as MLflow sorts. */
    listVersions() {
        const versions = [...this.models.values()].flatMap(model => model.versions.filter(v => !v.deleted));
        return versions.sort((a, b) => b.lastUpdatedTimestamp - a.lastUpdatedTimestamp ||
            compareText(a.name, b.name) ||
            b.version - a.version);
    }
    /** Hides a version and drops its aliases; its number stays taken. */
    deleteVersion(name, version) {
        const found = this.getVersion(name, version);
        const model = this.getModel(name);
        for (const [alias, target] of model.aliases) {
            if (target === found.version)
                model.aliases.delete(alias);
        }
        found.deleted = true;
        this.touch(model);
    }
    /** The newest live version, which is the latest of stage "None". */
    latestVersion(name) {
        const live = this.getModel(name).versions.filter(v => !v.deleted);
        return live.at(-1);
    }
    /** Points an alias at an existing version. */
    setAlias(name, alias, version) {
        validateAlias(alias);
        const model = this.getModel(name);
        const found = this.getVersion(name, version);
        model.aliases.set(alias, found.version);
    }
    /** Removes an alias; removing a missing alias is not an error. */
    deleteAlias(name, alias) {
        validateAliasName(alias);
        this.getModel(name).aliases.delete(alias);
    }
    /**
     * Resolves an alias. MLflow rejects a missing alias with 400
     * INVALID_PARAMETER_VALUE, not 404, and resolves `latest` itself.
     */
    versionByAlias(name, alias) {
        validateAliasName(alias);
        const model = this.getModel(name);
        if (alias.toLowerCase() === 'latest') {
            const latest = this.latestVersion(name);
            if (!latest) {
                throw notFound(`Latest version not found for model ${name}.`);
            }
            return latest;
        }
        const target = model.aliases.get(alias);
        if (target === undefined) {
            throw invalidParameter(`Registered model alias ${alias} not found.`);
        }
        return this.getVersion(name, String(target));
    }
    /** Clears every registered model. */
    clear() {
        this.models.clear();
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/fake-server/store/tracking.ts



/**
 * Experiments, runs and logged models in memory. Artifact locations sit
 * below `artifactRoot`, which is `mlflow-artifacts:` when the fake proxies
 * artifacts, as on a real server started with `--serve-artifacts`.
 */
class TrackingStore {
    artifactRoot;
    now;
    random;
    experiments = new Map();
    runs = new Map();
    loggedModels = new Map();
    nextExperimentId = 0;
    constructor(artifactRoot, now, random) {
        this.artifactRoot = artifactRoot;
        this.now = now;
        this.random = random;
        this.createExperiment('Default');
    }
    /** Creates an experiment with the next numeric id. */
    createExperiment(name) {
        if (this.findExperimentByName(name)) {
            throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
        }
        const experimentId = String(this.nextExperimentId++);
        const time = this.now();
        const experiment = {
            experimentId,
            name,
            artifactLocation: `${this.artifactRoot}/${experimentId}`,
            creationTime: time,
            lastUpdateTime: time,
            tags: new Map()
        };
        this.experiments.set(experimentId, experiment);
        return experiment;
    }
    /** Finds an experiment by exact name. */
    findExperimentByName(name) {
        return [...this.experiments.values()].find(e => e.name === name);
    }
    /** Finds an experiment by id. */
    findExperiment(experimentId) {
        return this.experiments.get(experimentId);
    }
    /** Gets an experiment by id or raises MLflow's not-found error. */
    getExperiment(experimentId) {
        const experiment = this.experiments.get(experimentId);
        if (!experiment) {
            throw notFound(`No Experiment with id=${experimentId} exists`);
        }
        return experiment;
    }
    /** Creates a run; MLflow records its name as the `mlflow.runName` tag. */
    createRun(fields) {
        const experiment = this.getExperiment(fields.experimentId);
        const runId = (0,external_node_crypto_.randomUUID)().replaceAll('-', '');
        const runName = fields.runName?.length
            ? fields.runName
            : generateRunName(this.random);
        const tags = new Map(fields.tags.map(tag => [tag.key, tag.value]));
        tags.set('mlflow.runName', runName);
        const run = {
            runId,
            experimentId: experiment.experimentId,
            runName,
            userId: fields.userId,
            status: 'RUNNING',
            startTime: fields.startTime,
            artifactUri: `${experiment.artifactLocation}/${runId}/artifacts`,
            tags
        };
        this.runs.set(runId, run);
        return run;
    }
    /** Finds a run by id. */
    findRun(runId) {
        return this.runs.get(runId);
    }
    /** Lists the runs of the given experiments, oldest first. */
    listRuns(experimentIds) {
        const wanted = new Set(experimentIds);
        return [...this.runs.values()].filter(run => wanted.has(run.experimentId));
    }
    /** Gets a run by id or raises MLflow's not-found error. */
    getRun(runId) {
        const run = this.runs.get(runId);
        if (!run)
            throw notFound(`Run with id=${runId} not found`);
        return run;
    }
    /** Creates a pending logged model in an experiment. */
    createLoggedModel(fields) {
        const experiment = this.getExperiment(fields.experimentId);
        const modelId = `m-${(0,external_node_crypto_.randomUUID)().replaceAll('-', '')}`;
        const time = this.now();
        const model = {
            modelId,
            experimentId: experiment.experimentId,
            name: fields.name,
            creationTimestampMs: time,
            lastUpdatedTimestampMs: time,
            artifactUri: `${experiment.artifactLocation}/models/${modelId}/artifacts`,
            status: 'LOGGED_MODEL_PENDING',
            modelType: fields.modelType,
            sourceRunId: fields.sourceRunId,
            tags: new Map(fields.tags.map(tag => [tag.key, tag.value]))
        };
        this.loggedModels.set(modelId, model);
        return model;
    }
    /** Finds a logged model by id. */
    findLoggedModel(modelId) {
        return this.loggedModels.get(modelId);
    }
    /** Gets a logged model or raises MLflow's not-found error. */
    getLoggedModel(modelId) {
        const model = this.loggedModels.get(modelId);
        if (!model) {
            throw notFound(`Logged model with ID '${modelId}' not found.`);
        }
        return model;
    }
    /** Lists the logged models of some experiments, newest first. */
    listLoggedModels(experimentIds) {
        return [...this.loggedModels.values()]
            .filter(model => experimentIds.includes(model.experimentId))
            .sort((a, b) => b.creationTimestampMs - a.creationTimestampMs);
    }
    /** Clears everything but the Default experiment. */
    clear() {
        this.experiments.clear();
        this.runs.clear();
        this.loggedModels.clear();
        this.nextExperimentId = 0;
        this.createExperiment('Default');
    }
}

;// CONCATENATED MODULE: ./src/fake-server/server.ts













/**
 * Starts an MLflow-compatible fake server on 127.0.0.1 (a free port
 * unless `options.port` is set). It responds like MLflow 3.17.2 on the
 * registry, tracking, logged-model and artifact-proxy routes, with
 * optional basic auth and fault switches.
 */
async function startFakeServer(options = {}) {
    const now = options.now ?? Date.now;
    const auth = options.auth ?? { mode: 'none' };
    const settings = buildSettings(options, auth);
    const state = await createState(options, auth, now);
    const faults = new Faults(state.registry, settings.quirks, now, {
        allowedHosts: options.allowedHosts,
        versionStatus: options.versionStatus,
        quirks: { ...settings.quirks }
    });
    const requests = new RequestLog();
    const clearData = async () => {
        state.registry.clear();
        state.tracking.clear();
        await state.artifacts.clear();
    };
    const pipeline = {
        routes: fakeRoutes(settings),
        state,
        settings,
        faults,
        requests,
        refusalShape: auth.mode === 'basic' ? (auth.refusalShape ?? 'mlflow') : 'mlflow',
        controlPrefix: options.controlPrefix ?? '/__fake',
        sleep: options.sleep ?? (ms => (0,promises_.setTimeout)(ms)),
        clearData,
        log: options.log ?? (() => undefined),
        ...(options.hokusaiGateway
            ? { hokusaiGateway: options.hokusaiGateway }
            : {})
    };
    const server = (0,external_node_http_.createServer)((request, response) => {
        void serve(pipeline, request, response);
    });
    const port = await listen(server, options.port ?? 0);
    const origin = `http://127.0.0.1:${port}`;
    return {
        url: `${origin}${settings.staticPrefix}`,
        origin,
        port,
        settings,
        state,
        faults,
        requests,
        reset: async () => {
            await clearData();
            faults.reset();
            requests.clear();
        },
        close: async () => {
            await stop(server);
            await state.artifacts.close();
        }
    };
}
async function createState(options, auth, now) {
    // NOTE: without --serve-artifacts, runs get local artifact paths below
    // the system temp directory, as a real server would, but the fake never
    // writes files there.
    const artifactRoot = (options.serveArtifacts ?? true)
        ? 'mlflow-artifacts:'
        : external_node_path_default().join((0,external_node_os_.tmpdir)(), 'mlflow-fake', 'mlruns');
    return {
        registry: new RegistryStore(now),
        tracking: new TrackingStore(artifactRoot, now, options.random ?? Math.random),
        artifacts: await ArtifactStore.open(options.artifactStorage ?? 'memory'),
        users: createUsers(auth)
    };
}
function buildSettings(options, auth) {
    const mlflowVersion = options.mlflowVersion ?? '3.17.2';
    const quirks = {
        emptyModelSearch: options.quirks?.emptyModelSearch ?? false,
        versionSearchAliases: options.quirks?.versionSearchAliases ?? false,
        emptyVersionSearch: options.quirks?.emptyVersionSearch ?? false,
        singleQuotedFilters: options.quirks?.singleQuotedFilters ?? false
    };
    return {
        mlflowVersion,
        mlflowMajor: options.mlflowMajor ?? (mlflowVersion.startsWith('2.') ? 2 : 3),
        serveArtifacts: options.serveArtifacts ?? true,
        staticPrefix: (options.staticPrefix ?? '').replace(/\/+$/, ''),
        authEnabled: auth.mode === 'basic',
        quirks
    };
}
function createUsers(auth) {
    if (auth.mode === 'none')
        return new UserDirectory();
    const users = new UserDirectory(auth.defaultPermission ?? 'READ');
    const admin = auth.admin ?? DEFAULT_ADMIN;
    users.create(admin.username, admin.password, true);
    for (const user of auth.users ?? []) {
        users.create(user.username, user.password, user.isAdmin ?? false);
    }
    for (const [token, username] of Object.entries(auth.tokens ?? {})) {
        users.addToken(token, username);
    }
    return users;
}
async function serve(pipeline, request, response) {
    try {
        const body = await readBody(request);
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const outcome = await processRequest(pipeline, {
            method: request.method ?? 'GET',
            url,
            headers: request.headers,
            body
        });
        write(request, response, outcome);
    }
    catch (error) {
        pipeline.log(`fake MLflow server: ${request.method ?? ''} ${request.url ?? ''} ` +
            `failed: ${String(error)}`);
        // A client that went away mid-request needs no response.
        if (!response.headersSent && !request.socket.destroyed) {
            response.writeHead(500, { 'content-type': 'text/plain' });
            response.end(`fake server error: ${String(error)}`);
        }
    }
}
function readBody(request) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        request.on('data', (chunk) => chunks.push(chunk));
        request.on('end', () => {
            resolve(Buffer.concat(chunks));
        });
        request.on('error', reject);
    });
}
function write(request, response, outcome) {
    if (outcome === 'drop') {
        request.socket.destroy();
        return;
    }
    const body = typeof outcome.body === 'string' ? Buffer.from(outcome.body) : outcome.body;
    response.writeHead(outcome.status, {
        server: 'uvicorn',
        ...outcome.headers,
        'content-length': String(body.length)
    });
    response.end(body);
}
function listen(server, port) {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
            resolve(server.address().port);
        });
    });
}
function stop(server) {
    return new Promise(resolve => {
        server.close(() => {
            resolve();
        });
        server.closeAllConnections();
    });
}

;// CONCATENATED MODULE: ./src/fake-server/index.ts
/**
 * An MLflow-compatible fake server for pipeline tests: MLflow 3.17.2's
 * registry, tracking, logged-model and artifact-proxy routes in memory,
 * basic auth with MLflow's permission rules, and switches for the faults
 * a real server cannot be made to produce on demand.
 */



;// CONCATENATED MODULE: ./src/cli/fake-server-command.ts

/** Resolves with the name of the first SIGINT or SIGTERM this process gets. */
function waitForSignal() {
    return new Promise(resolve => {
        const stop = (signal) => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve(signal);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
    });
}
/**
 * Runs the project's fake MLflow server on 127.0.0.1 until `untilStopped`
 * resolves, which by default is on SIGINT or SIGTERM. Stdout gets one
 * JSON line with the tracking URI, the port and the process id, so a
 * script can point the CLI at it and stop it by PID later. The fake keeps
 * everything in memory and has no auth, so stopping it discards all it
 * stored. Returns 0 after a clean stop, 1 when it cannot listen.
 */
async function runFakeServer(args, streams, untilStopped = waitForSignal) {
    const port = args.port ?? 0;
    let server;
    try {
        server = await startFakeServer({ port });
    }
    catch (error) {
        const code = error.code;
        streams.stderr(`error: Cannot listen on 127.0.0.1:${port} (${String(code)}). ` +
            'Choose another --port, or leave it out to use a free port.\n');
        return 1;
    }
    const stopped = untilStopped();
    const address = { url: server.url, port: server.port, pid: process.pid };
    streams.stdout(`${JSON.stringify(address)}\n`);
    streams.stderr(`Fake MLflow server listening at ${server.url}. It keeps models in ` +
        `memory only. Stop it with Ctrl+C or kill ${process.pid}.\n`);
    const signal = await stopped;
    await server.close();
    streams.stderr(`Fake MLflow server stopped (${signal})\n`);
    return 0;
}


/***/ })

};
