/**
 * An in-process Docker registry token server ("token authentication
 * specification" of distribution) for tests, on 127.0.0.1 only.
 *
 * How distribution 2.8 trusts the token (registry/auth/token/token.go,
 * VerifySigningKey): it looks at the JWT header in this order: `x5c` (a
 * certificate chain whose leaf is verified against the `rootcertbundle`
 * with Go's x509 Verify), `jwk`, then `kid` (a libtrust key fingerprint of
 * a key in the bundle). We use `x5c` with one self-signed certificate that is
 * also the whole root bundle: Go accepts a leaf that is itself in the root
 * pool, and no libtrust fingerprint has to be reimplemented. The signature
 * is ES256 in JOSE form (r||s, 64 bytes), which libtrust checks.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { childEnv } from './process';

/** One `access` entry of a registry token. */
export interface TokenAccess {
  readonly type: string;
  readonly name: string;
  readonly actions: string[];
}

/** What the issuer did with one request; lets tests prove the flow went through it. */
export interface TokenRequestRecord {
  /** Basic-auth user, or null for an anonymous request. */
  readonly user: string | null;
  /** Requested scopes, as sent (`repository:<name>:<actions>`). */
  readonly scopes: string[];
  /** HTTP status answered. */
  readonly status: number;
  /** What the issued token grants (empty when refused or anonymous). */
  readonly granted: TokenAccess[];
}

/**
 * Decides which of the requested actions a user gets on a repository.
 * @default every requested action among `pull` and `push`
 */
export type GrantFunction = (user: string, repository: string, requested: readonly string[]) => string[];

/** Options for {@link startTokenIssuer}. */
export interface TokenIssuerOptions {
  /** username → password accepted over HTTP Basic. */
  readonly users: Readonly<Record<string, string>>;
  /** `aud` claim; must equal the registry's `auth.token.service`. */
  readonly service: string;
  /** `iss` claim; must equal the registry's `auth.token.issuer`. */
  readonly issuer: string;
  /** Directory for the key and certificate files (the caller removes it). */
  readonly dir: string;
  readonly grant?: GrantFunction;
}

/** A running token issuer. */
export interface TokenIssuer {
  /** `http://127.0.0.1:<port>/token`: the registry's `auth.token.realm`. */
  readonly realm: string;
  readonly port: number;
  /** PEM file with the signing certificate: the registry's `auth.token.rootcertbundle`. */
  readonly rootCertBundle: string;
  /** Every request answered so far, oldest first. */
  readonly requests: readonly TokenRequestRecord[];
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** Token lifetime; distribution adds 60 s leeway on both ends. */
const TOKEN_TTL_SECONDS = 300;

/** Starts the issuer on a kernel-chosen free port of 127.0.0.1. */
export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const signer = createSigner(options.dir);
  const requests: TokenRequestRecord[] = [];
  const server = http.createServer((req, res) => {
    const record = answerTokenRequest(req, res, options, signer);
    requests.push(record);
  });
  const port = await listenOnLoopback(server);
  let closed: Promise<void> | undefined;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    port,
    rootCertBundle: signer.certFile,
    requests,
    close: () => (closed ??= closeServer(server)),
  };
}

/** Key pair plus certificate used to sign tokens. */
interface Signer {
  readonly privateKey: crypto.KeyObject;
  /** Base64 DER of the certificate, the single `x5c` element. */
  readonly x5c: string;
  readonly certFile: string;
}

/**
 * Generates a P-256 key with node crypto and a self-signed certificate for
 * it with the openssl CLI (node can parse but not create X.509). The private
 * key file exists only for openssl and lives in the caller's temp dir.
 */
function createSigner(dir: string): Signer {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyFile = path.join(dir, 'token-signing-key.pem');
  const certFile = path.join(dir, 'token-root-cert.pem');
  fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const result = spawnSync('openssl', [
    'req', '-x509', '-new', '-sha256', '-days', '2',
    '-key', keyFile, '-out', certFile, '-subj', '/CN=cdk8s-private-registry test token issuer',
  ], { env: childEnv(), encoding: 'utf8', timeout: 15_000 });
  if (result.status !== 0) {
    throw new Error(`openssl could not create the token certificate (exit ${result.status}): ${result.stderr ?? result.error}`);
  }
  const cert = new crypto.X509Certificate(fs.readFileSync(certFile));
  return { privateKey, x5c: cert.raw.toString('base64'), certFile };
}

/** Handles one request to the realm and returns what happened. */
function answerTokenRequest(req: http.IncomingMessage, res: http.ServerResponse, options: TokenIssuerOptions, signer: Signer): TokenRequestRecord {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  // One scope parameter may itself hold several space-separated scopes.
  const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '');
  if (req.method !== 'GET' || url.pathname !== '/token') {
    // 404 (not 405) because docker clients fall back from OAuth POST to GET on 404.
    return sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'only GET /token' }] }, { user: null, scopes });
  }
  const credentials = parseBasicAuth(req.headers.authorization);
  if (credentials && !passwordMatches(options.users, credentials.user, credentials.password)) {
    res.setHeader('WWW-Authenticate', 'Basic realm="cdk8s-private-registry test token issuer"');
    return sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }, { user: credentials.user, scopes });
  }
  // Anonymous requests get a token without access, as Docker Hub's issuer
  // does; the registry then refuses the operation itself.
  const user = credentials?.user ?? null;
  const granted = user === null ? [] : grantAccess(user, scopes, options.grant ?? defaultGrant);
  const token = signToken(signer, claimsFor(options, user ?? '', granted));
  const now = new Date();
  const body = { token, access_token: token, expires_in: TOKEN_TTL_SECONDS, issued_at: now.toISOString() };
  return sendJson(res, 200, body, { user, scopes, granted });
}

function sendJson(
  res: http.ServerResponse, status: number, body: unknown,
  record: { user: string | null; scopes: string[]; granted?: TokenAccess[] },
): TokenRequestRecord {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
  return { user: record.user, scopes: record.scopes, status, granted: record.granted ?? [] };
}

/** user/password from an `Authorization: Basic` header, or undefined. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Constant-time comparison (hashing first equalises lengths). */
function passwordMatches(users: Readonly<Record<string, string>>, user: string, password: string): boolean {
  if (!Object.prototype.hasOwnProperty.call(users, user)) return false;
  const hash = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(hash(users[user]), hash(password));
}

const defaultGrant: GrantFunction = (_user, _repository, requested) => requested.filter((a) => a === 'pull' || a === 'push');

/**
 * Turns `repository:<name>:<a,b>` scopes into access entries. The name may
 * contain no ':' in practice, but split on the first and last ':' anyway.
 */
function grantAccess(user: string, scopes: readonly string[], grant: GrantFunction): TokenAccess[] {
  const access: TokenAccess[] = [];
  for (const scope of scopes) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first < 0 || last === first || scope.slice(0, first) !== 'repository') continue;
    const name = scope.slice(first + 1, last);
    const actions = grant(user, name, scope.slice(last + 1).split(','));
    if (actions.length > 0) access.push({ type: 'repository', name, actions });
  }
  return access;
}

function claimsFor(options: TokenIssuerOptions, subject: string, access: TokenAccess[]): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: options.issuer,
    sub: subject,
    aud: options.service, // a string: distribution 2.8's ClaimSet.Audience is a plain string
    exp: now + TOKEN_TTL_SECONDS,
    nbf: now,
    iat: now,
    jti: crypto.randomBytes(16).toString('hex'),
    access,
  };
}

/** Compact JWS, ES256, with the certificate in `x5c` (see the file comment). */
function signToken(signer: Signer, claims: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'ES256', x5c: [signer.x5c] };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = crypto.sign('sha256', Buffer.from(signingInput), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${base64url(signature)}`;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function listenOnLoopback(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/** Closes the server, dropping keep-alive connections so close() does not wait for them. */
function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
