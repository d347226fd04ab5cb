/**
 * Who writes the edge stack's R2 buckets (config/r2-buckets.ts): the example catalog's services
 * at each stage, from their files (objectStorage → assets, `archive: true` → archive), and the
 * edge stack builds exactly the buckets the services are pointed at.
 */
import { r2BucketEnv, r2Buckets, withR2Writer, R2_WRITER_SECRET } from '../../config/r2-buckets';
import { synthesizeExamples } from '../helpers/examples';

const examples = synthesizeExamples();
const loadExampleEnvironments = () => examples.environments;

describe('R2 writers of the examples', () => {
  it('points the objectStorage services at the assets bucket from traction, and archive-worker at the archive from hyperscale', () => {
    const writers = Object.fromEntries(
      loadExampleEnvironments().map((environment) => [
        environment.stage,
        Object.fromEntries(environment.services.map((s) => [s.name, r2BucketEnv(environment, s)]).filter(([, env]) => Object.keys(env).length > 0)),
      ]),
    );
    expect(writers.launch).toEqual({});
    expect(writers.traction['archive-worker']).toEqual({ ASSETS_R2_BUCKET: 'acme-traction-assets' });
    expect(writers.hyperscale['archive-worker']).toEqual({ ASSETS_R2_BUCKET: 'acme-hyperscale-assets', ARCHIVE_R2_BUCKET: 'acme-hyperscale-archive' });
    expect(Object.keys(writers.hyperscale).sort()).toEqual(['api', 'archive-worker', 'moderation-worker']);
  });

  it('adds the credential and the buckets to a writer only, keeping its own secrets', () => {
    const hyperscale = loadExampleEnvironments().find((e) => e.stage === 'hyperscale')!;
    const archiveWorker = hyperscale.services.find((s) => s.name === 'archive-worker')!;
    const writer = withR2Writer(hyperscale, { ...archiveWorker, secrets: ['OWN'] });
    expect([writer.secrets, writer.env.ARCHIVE_R2_BUCKET]).toEqual([['OWN', R2_WRITER_SECRET], 'acme-hyperscale-archive']);
    const reader = hyperscale.services.find((s) => !s.dataStores.includes('objectStorage') && !s.archive)!;
    expect(withR2Writer(hyperscale, reader)).toBe(reader);
  });

  it('names the buckets the edge stack builds', () => {
    const built = examples.environments.map((environment) =>
      examples
        .resources(`${environment.name}-edge`, 'cloudflare_r2_bucket')
        .map((b) => String(b.name))
        .sort(),
    );
    expect(built).toEqual(examples.environments.map((environment) => Object.values(r2Buckets(environment)).sort()));
    expect(built.flat()).toContain('acme-hyperscale-archive');
  });
});
