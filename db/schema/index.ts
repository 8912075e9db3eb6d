// One module per feature; drizzle-kit reads every table exported here.

export * from './delivery';
export * from './dialogue';
export * from './directives';
export * from './feedback';
export * from './hotspots';
export * from './org';
export * from './outbox';
export * from './platforms';
export * from './polls';
export * from './reports';
export * from './sandbox-files';
export * from './scenario-uploads';
export * from './situation-reports';
export * from './surveys';
