/**
 * Images a container names in its command, args or env (rules/embedded-images.ts)
 * on an upstream whose images the object pulls through a mirror: the app may
 * pull them later, past the mirror (cert-manager's ACME solver image). The
 * mirrors are those the synth recorded on the object (rules/mirrors.ts
 * mirrorsRecordedBy); each such image is reported once per container, as
 * info, with the reference the mirror would serve it as.
 */
import { Finding, finding, FindingLocation } from './findings';
import { ManifestObject } from '../manifests/manifest-object';
import { mirrorsRecordedBy, rewriteImage } from '../rules/mirrors';
import { isPlainObject } from '../rules/objects';
import { CONTAINER_LISTS } from '../rules/pod-images';

const EMBEDDED = [
  { key: 'argImages', field: 'args', where: 'command or args' },
  { key: 'envImages', field: 'env', where: 'env' },
] as const;

/** The `unmirrored-image` findings of a pod bearer's projected pod spec; `at` locates a pointer within the pod spec. */
export function unmirroredImageFindings(object: ManifestObject, spec: Record<string, unknown>, at: (pointer: string) => FindingLocation): Finding[] {
  if (object.originalImages === undefined) return [];
  const mirrors = mirrorsRecordedBy(object.originalImages);
  if (mirrors.length === 0) return [];
  const findings: Finding[] = [];
  for (const { field: list } of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((container: unknown, index) => {
      if (!isPlainObject(container)) return;
      const name = typeof container.name === 'string' ? container.name : `#${index}`;
      for (const { key, field, where } of EMBEDDED) {
        const images = container[key];
        if (!Array.isArray(images)) continue;
        for (const image of images) {
          if (typeof image !== 'string') continue;
          const served = mirrors.map((mirror) => ({ mirror, rewritten: rewriteImage(image, mirror) })).find((m) => m.rewritten !== undefined);
          if (served === undefined) continue;
          findings.push(finding(at(`/${list}/${index}/${field}`), 'unmirrored-image',
            `image "${image}" named in the container's ${where} is on ${served.mirror.upstream}, whose images this object pulls through `
            + `the mirror ${served.mirror.endpoint}: the app may pull it later, past the mirror; `
            + `write it as "${served.rewritten}" (RegistryMirror.rewrite() gives it)`,
            { container: name, image }));
        }
      }
    });
  }
  return findings;
}
