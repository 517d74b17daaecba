// ava 7 on Node 20: TypeScript loads through tsx; worker threads break the tsx loader.
export default {
  files: ['{core,master,agent,syncer,provider,cli,ui,test}/**/*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '3m',
  concurrency: 4,
};
