/** The registry of every image reference that names none. */
export const DOCKER_HUB = 'docker.io';

/**
 * The registry host (`host[:port]`) an image reference lives on, by Docker's rule: the first
 * `/`-separated component is a registry host when it contains a `.` or a `:` or is `localhost`;
 * otherwise, and when there is no `/` at all (`ucp:1.1.0`, `ucp@sha256:…`), the image is on Docker Hub.
 * The one place this is decided: config validation and image pulls must agree on it.
 */
export function registryHost(imageRef: string): string {
  const slash = imageRef.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = imageRef.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : DOCKER_HUB;
}
