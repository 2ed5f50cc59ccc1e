/** Credential removal lives with the engine's output functions (../engine/secrets); the HTTP client uses the same. */
export { Redactor, tokenForms, hideSecret, hideSecrets } from '../engine/secrets';
