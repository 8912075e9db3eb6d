// One module per feature; drizzle-kit reads every table exported here.
export * from './directives';
export * from './org';
export * from './platforms';
export * from './sandbox-files';
