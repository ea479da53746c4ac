/**
 * Every image the kubelet pulls for a pod (REFERENCE §10): containers, init
 * containers (native sidecars among them), ephemeral containers, and image
 * volumes (`spec.volumes[].image.reference`). One function, so the wiring,
 * verify, events and images see the same images. Pure: the pod spec in,
 * the images out, never throwing on a malformed spec.
 */
import { isPlainObject } from './objects';

/** Where in the pod spec an image is. */
export type PodImageSource = 'initContainer' | 'container' | 'ephemeralContainer' | 'volume';

/** One image of a pod. */
export interface PodImage {
  readonly source: PodImageSource;
  /** The container's or the volume's name (`#<index>` when it has none). */
  readonly name: string;
  /** The image reference as written (`''` when it is missing or no string). */
  readonly image: string;
  /** The pull policy as written, if any. */
  readonly pullPolicy?: string;
  /** JSON pointer of the reference, relative to the pod spec, e.g. `/volumes/2/image/reference`. */
  readonly pointer: string;
}

/** The pod spec's lists that hold containers, in the order the kubelet starts them. */
export const CONTAINER_LISTS: ReadonlyArray<{ readonly field: string; readonly source: PodImageSource }> = [
  { field: 'initContainers', source: 'initContainer' },
  { field: 'containers', source: 'container' },
  { field: 'ephemeralContainers', source: 'ephemeralContainer' },
];

/** Every image of the pod spec `spec`: init containers, containers, ephemeral containers, then image volumes. */
export function podImages(spec: unknown): PodImage[] {
  if (!isPlainObject(spec)) return [];
  const images: PodImage[] = [];
  for (const { field, source } of CONTAINER_LISTS) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container: unknown, index) => {
      const entry = isPlainObject(container) ? container : {};
      images.push({
        source,
        name: typeof entry.name === 'string' ? entry.name : `#${index}`,
        image: typeof entry.image === 'string' ? entry.image : '',
        ...(typeof entry.imagePullPolicy === 'string' ? { pullPolicy: entry.imagePullPolicy } : {}),
        pointer: `/${field}/${index}/image`,
      });
    });
  }
  const volumes = spec.volumes;
  if (Array.isArray(volumes)) {
    volumes.forEach((volume: unknown, index) => {
      if (!isPlainObject(volume) || !isPlainObject(volume.image)) return;
      const { reference, pullPolicy } = volume.image;
      images.push({
        source: 'volume',
        name: typeof volume.name === 'string' ? volume.name : `#${index}`,
        image: typeof reference === 'string' ? reference : '',
        ...(typeof pullPolicy === 'string' ? { pullPolicy } : {}),
        pointer: `/volumes/${index}/image/reference`,
      });
    });
  }
  return images;
}

/** Whether the kubelet ever pulls the image: not with pull policy `Never` (it only uses what the node has). */
export function isPulled(image: Pick<PodImage, 'pullPolicy'>): boolean {
  return image.pullPolicy !== 'Never';
}

/** How messages name where an image is: `container "app"`, `image volume "weights"`. */
export function describeImageSource(image: Pick<PodImage, 'source' | 'name'>): string {
  switch (image.source) {
    case 'volume': return `image volume "${image.name}"`;
    case 'initContainer': return `init container "${image.name}"`;
    case 'ephemeralContainer': return `ephemeral container "${image.name}"`;
    default: return `container "${image.name}"`;
  }
}
