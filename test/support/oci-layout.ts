/**
 * A tiny, valid OCI image layout (image-spec v1.0 "image-layout.md") written
 * with node only, so push tests need no docker, no network and no image
 * download. Everything is deterministic (fixed mtimes, gzip header mtime 0),
 * so the same options always give the same digests.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** Media types used in the layout. */
export const OCI_MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** Options for {@link buildOciLayout}. */
export interface OciLayoutOptions {
  /** `org.opencontainers.image.ref.name` of the single manifest, used as `oci:<dir>:<refName>`. @default 'latest' */
  readonly refName?: string;
  /** Name of the one file in the layer. @default 'hello.txt' */
  readonly fileName?: string;
  /** Content of that file; vary it to get a different image digest. @default 'hello from cdk8s-private-registry tests\n' */
  readonly fileContent?: string;
}

/** Digests of what {@link buildOciLayout} wrote, read back by {@link readOciLayout}. */
export interface OciLayoutInfo {
  readonly dir: string;
  readonly refName: string;
  /** `sha256:...` of the manifest: what a registry reports as the image digest. */
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly layerDigest: string;
}

/** A content-addressed blob. */
interface Blob {
  readonly digest: string;
  readonly size: number;
}

/**
 * Writes the layout into `dir` (created if needed; should be empty): the
 * `oci-layout` marker, `index.json`, and under `blobs/sha256/` a config, one
 * gzip'ed tar layer holding one small file, and the manifest. Returns `dir`.
 */
export function buildOciLayout(dir: string, options: OciLayoutOptions = {}): string {
  const refName = options.refName ?? 'latest';
  const tar = buildTar(options.fileName ?? 'hello.txt', Buffer.from(options.fileContent ?? 'hello from cdk8s-private-registry tests\n'));
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const layer = writeBlob(dir, zlib.gzipSync(tar));
  const config = writeBlob(dir, jsonBytes({
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
  }));
  const manifest = writeBlob(dir, jsonBytes({
    schemaVersion: 2,
    mediaType: OCI_MEDIA_TYPES.manifest,
    config: { mediaType: OCI_MEDIA_TYPES.config, ...config },
    layers: [{ mediaType: OCI_MEDIA_TYPES.layerGzip, ...layer }],
  }));
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: OCI_MEDIA_TYPES.manifest,
      ...manifest,
      annotations: { 'org.opencontainers.image.ref.name': refName },
    }],
  }));
  return dir;
}

/** Reads back the ref name and digests of a layout written by {@link buildOciLayout}. */
export function readOciLayout(dir: string): OciLayoutInfo {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const entry = index.manifests[0];
  const manifest = JSON.parse(fs.readFileSync(blobPath(dir, entry.digest), 'utf8'));
  return {
    dir,
    refName: entry.annotations['org.opencontainers.image.ref.name'],
    manifestDigest: entry.digest,
    configDigest: manifest.config.digest,
    layerDigest: manifest.layers[0].digest,
  };
}

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(data: Buffer): string {
  return `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function blobPath(dir: string, digest: string): string {
  return path.join(dir, 'blobs', ...digest.split(':'));
}

function writeBlob(dir: string, data: Buffer): Blob {
  const digest = sha256Digest(data);
  fs.writeFileSync(blobPath(dir, digest), data);
  return { digest, size: data.length };
}

const TAR_BLOCK = 512;

/**
 * A minimal POSIX (ustar) tar archive with one regular file: a 512-byte
 * header, the data padded to 512 bytes, and two zero blocks as end marker.
 */
export function buildTar(fileName: string, data: Buffer): Buffer {
  if (Buffer.byteLength(fileName) > 100) throw new Error(`tar file name longer than 100 bytes: ${fileName}`);
  const padding = (TAR_BLOCK - (data.length % TAR_BLOCK)) % TAR_BLOCK;
  return Buffer.concat([tarHeader(fileName, data.length), data, Buffer.alloc(padding), Buffer.alloc(2 * TAR_BLOCK)]);
}

/** The ustar header fields at their fixed offsets; numbers are NUL-terminated octal. */
function tarHeader(fileName: string, size: number): Buffer {
  const header = Buffer.alloc(TAR_BLOCK);
  header.write(fileName, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100); // mode
  header.write(octal(0, 8), 108); // uid
  header.write(octal(0, 8), 116); // gid
  header.write(octal(size, 12), 124); // size
  header.write(octal(0, 12), 136); // mtime: fixed for reproducible digests
  header.write(' '.repeat(8), 148); // checksum field counts as spaces while summing
  header.write('0', 156); // typeflag: regular file
  header.write('ustar\u000000', 257); // magic "ustar\0" + version "00"
  header.write('root', 265); // uname
  header.write('root', 297); // gname
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148); // checksum: 6 octal digits, NUL, space
  return header;
}

/** `width - 1` zero-padded octal digits and a NUL. */
function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\u0000`;
}
