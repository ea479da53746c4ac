/**
 * Writes what the code declared onto the wired object's own metadata, so
 * that `verify` and the plugin, given only the manifests, reach the synth's
 * verdict (keys and format: rules/declarations.ts). Never onto the pod
 * template: a change there would roll every pod.
 */
import { PodBearer } from './pod-bearer';
import { formatPatternList, POD_SPEC_PATH_ANNOTATION, PUBLIC_IMAGES_ANNOTATION } from '../rules/declarations';
import { PodKinds } from '../rules/pod-kinds';

/**
 * Declares a custom pod kind's pod spec path (built-in kinds are known to
 * every reader) and the public-image patterns that allowed the bearer's
 * images. Patterns only grow for a bearer (containers are only added), so
 * each wiring's answer replaces the last.
 */
export function declareInManifests(bearer: PodBearer, kinds: PodKinds, publicPatterns: readonly string[]): void {
  const { apiObject } = bearer;
  if (kinds.of(apiObject.apiVersion, apiObject.kind)?.origin === 'custom') {
    apiObject.metadata.addAnnotation(POD_SPEC_PATH_ANNOTATION, bearer.podSpecPath);
  }
  if (publicPatterns.length > 0) {
    apiObject.metadata.addAnnotation(PUBLIC_IMAGES_ANNOTATION, formatPatternList(publicPatterns));
  }
}
