/**
 * Unset environment variables are reported at validation, not thrown at
 * construction: cdk8s validates the whole app before writing anything, so
 * one synth lists every variable to export, and nothing is half-written.
 */
import { IConstruct } from 'constructs';
import { CredentialsUnavailableError } from './credential-source';

/** `read()`, or, when a credential's inputs are absent, `fallback()` and a validation error on `scope` saying what to export. */
export function readOrReportLater<T>(scope: IConstruct, read: () => T, fallback: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof CredentialsUnavailableError)) throw error;
    // cdk8s prefixes validation errors with the path itself.
    const prefix = `[${scope.node.path}] `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    scope.node.addValidation({ validate: () => [message] });
    return fallback();
  }
}
