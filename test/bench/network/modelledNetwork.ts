// The bench's peers as a Lambda meets them: Secrets Manager, DynamoDB and Retell each behind TLS and a round-trip time.
//
// Modelled round-trip times (ms), from a Lambda in the same region as the table and the secret:
// - DynamoDB 2: AWS gives "single-digit millisecond" latency for GetItem in-region (DynamoDB developer guide); a
//   same-region round trip is about 1-2 ms of it.
// - Secrets Manager 10: a regional HTTPS API whose GetSecretValue is commonly seen at 10-30 ms from Lambda; 10 is the
//   low end, so the floor's own chain is not flattered.
// - Retell 50: api.retellai.com is a public endpoint on the internet, not in the Lambda's VPC or region, and
//   the 50 ms the performance issue names is a typical cross-region round trip in North America.
// The certificate is RSA 2048 with SHA-256, as AWS's public endpoints present (Amazon RSA 2048 intermediates), so a
// handshake costs the CPU it costs there.
import { mkdir, writeFile } from 'node:fs/promises';
import { generate } from 'selfsigned';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from '../../../infra/local/secretsManagerStandIn';
import { BENCH_DIR } from '../bundles';
import { type Certificate, type ModelledPeer, startModelledPeer } from './modelledPeer';

export const RTT_MS = { dynamodb: 2, secretsManager: 10, retell: 50 } as const;

export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-router/bench-AbCdEf';

export interface ModelledNetwork {
  secretsManager: SecretsManagerStandIn;
  peers: { dynamodb: ModelledPeer; secretsManager: ModelledPeer; retell: ModelledPeer };
  /** What a child needs to reach the peers through the model: endpoints, the secret, and the trusted certificate. */
  childEnv: Record<string, string>;
  /** The certificate every peer presents, for another peer in front of another stand-in. */
  certificate: Certificate;
  close(): Promise<void>;
}

/** Fronts the plain local servers at `endpoints` with the model; the secret holds `apiKey`. */
export async function startModelledNetwork(
  endpoints: { dynamodb: string; retell: string },
  apiKey: string,
): Promise<ModelledNetwork> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const certificate = { cert: pems.cert, key: pems.private };
  const caPath = `${BENCH_DIR}/tls/ca.pem`;
  await mkdir(`${BENCH_DIR}/tls`, { recursive: true });
  await writeFile(caPath, pems.cert);

  const secretsManager = await startSecretsManagerStandIn({ [SECRET_ARN]: apiKey });
  const peers = {
    dynamodb: await startModelledPeer(endpoints.dynamodb, RTT_MS.dynamodb, certificate),
    secretsManager: await startModelledPeer(secretsManager.endpoint, RTT_MS.secretsManager, certificate),
    retell: await startModelledPeer(endpoints.retell, RTT_MS.retell, certificate),
  };
  return {
    secretsManager,
    peers,
    childEnv: {
      AWS_ENDPOINT_URL_DYNAMODB: peers.dynamodb.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: peers.secretsManager.url,
      RETELL_BASE_URL: peers.retell.url,
      RETELL_API_KEY_SECRET_ARN: SECRET_ARN,
      // Read by Node at start, for every TLS client in the process: the AWS SDK's and fetch's alike.
      NODE_EXTRA_CA_CERTS: caPath,
    },
    certificate,
    async close() {
      await Promise.all(Object.values(peers).map((peer) => peer.close()));
      await secretsManager.close();
    },
  };
}
