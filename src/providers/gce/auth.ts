// Credentials and endpoint, by the ecosystem's conventions, with no
// mechanism of hpcrun's own:
//   GOOGLE_OAUTH_ACCESS_TOKEN            a bearer token (what Terraform's google provider reads)
//   Application Default Credentials      GOOGLE_APPLICATION_CREDENTIALS, then gcloud's
//                                        application_default_credentials.json, then the
//                                        metadata server on a Google Cloud VM
//   CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE  gcloud's endpoint override, e.g. http://127.0.0.1:8089/compute/v1/
// A token is never printed or written: errors are scrubbed of it.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type AuthClient, GoogleAuth, OAuth2Client } from 'google-auth-library';
import { HpcrunError, inputError } from '../../errors.js';

export const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

type Env = Readonly<Record<string, string | undefined>>;

export interface Credentials {
  client: AuthClient;
  /** Where they came from, for messages (never the secret itself). */
  source: string;
  /** Strings to scrub from any message. */
  secrets: string[];
}

const noCredentials = (detail: string): HpcrunError =>
  new HpcrunError('environment', 'HPCRUN_GCP_NO_CREDENTIALS', `no Google Cloud credentials: ${detail}`, {
    hint: 'run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or GOOGLE_OAUTH_ACCESS_TOKEN to a token from `gcloud auth print-access-token`)',
  });

/** gcloud's well-known ADC file, honouring CLOUDSDK_CONFIG as gcloud does. */
export function wellKnownFile(env: Env): string {
  const config = env.CLOUDSDK_CONFIG || join(env.HOME || homedir(), '.config', 'gcloud');
  return join(config, 'application_default_credentials.json');
}

export async function credentials(env: Env): Promise<Credentials> {
  const token = env.GOOGLE_OAUTH_ACCESS_TOKEN?.trim();
  if (token) {
    const client = new OAuth2Client();
    client.setCredentials({ access_token: token });
    return { client, source: 'GOOGLE_OAUTH_ACCESS_TOKEN', secrets: [token] };
  }
  // Application Default Credentials, in google-auth-library's order, from the environment hpcrun was given.
  const keyFile = env.GOOGLE_APPLICATION_CREDENTIALS || (existsSync(wellKnownFile(env)) ? wellKnownFile(env) : undefined);
  const auth = new GoogleAuth({ scopes: SCOPES, ...(keyFile ? { keyFilename: keyFile } : {}) });
  try {
    const client = await auth.getClient();
    return { client, source: keyFile ?? 'the metadata server', secrets: [] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw noCredentials(keyFile ? `cannot use ${keyFile}: ${message.split('\n')[0]}` : 'Application Default Credentials found none');
  }
}

export interface Endpoint {
  apiEndpoint: string;
  port: number;
  protocol: 'http' | 'https';
}

/** The clients' endpoint from CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE; undefined means compute.googleapis.com. */
export function endpointFrom(env: Env): Endpoint | undefined {
  const text = env.CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE;
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL('invalid:');
  }
  const protocol = url.protocol === 'http:' ? 'http' : url.protocol === 'https:' ? 'https' : undefined;
  // The clients add /compute/v1/ (or /compute/beta/) themselves.
  if (!protocol || !url.hostname || !/^\/(compute\/(v1|beta)\/?)?$/.test(url.pathname || '/')) {
    throw inputError('HPCRUN_GCE_BAD_ENDPOINT', `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE=${JSON.stringify(text)} is not a Compute Engine endpoint`, 'give a URL such as http://127.0.0.1:8089/compute/v1/, or unset it');
  }
  return { apiEndpoint: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}
