import * as path from 'path';

/** The manifests the verify tests read: test/fixtures/verify. */
export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'verify');

/** The path of one fixture file or folder. */
export const fixture = (name: string) => path.join(FIXTURES, name);

/** The password of user "alice" in the fixtures' pull secrets: no output may contain it. */
export const FIXTURE_PASSWORD = 'S3cr3t-pa55word!';
