import test from 'ava';
import { diffJobs } from './jobDiff.js';

test('diffJobs: changed, added, removed and same fields by dotted path; arrays whole', (t) => {
  const changes = diffJobs(
    { image: 'a:1', env: { LOG: 'info', OLD: 'x' }, command: ['serve', '-v'], ports: { http: { internalPort: 80 } } },
    { image: 'a:2', env: { LOG: 'info', NEW: 'y' }, command: ['serve'], ports: { http: { internalPort: 80 } } });
  t.deepEqual(changes, [
    { path: 'command', kind: 'changed', from: '["serve","-v"]', to: '["serve"]' },
    { path: 'env.LOG', kind: 'same', from: '"info"', to: '"info"' },
    { path: 'env.NEW', kind: 'added', to: '"y"' },
    { path: 'env.OLD', kind: 'removed', from: '"x"' },
    { path: 'image', kind: 'changed', from: '"a:1"', to: '"a:2"' },
    { path: 'ports.http.internalPort', kind: 'same', from: '80', to: '80' },
  ]);
});
