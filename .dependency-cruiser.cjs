/**
 * The layering rules of docs/architecture.md, checked in CI (`npm run layers`). Each rule's name
 * and comment is what a violation prints: it says which rule and what to do instead.
 */
const FEATURE = '^bot/features/([^/]+)/';
module.exports = {
  forbidden: [
    {
      name: 'kernel-imports-npm-only',
      comment:
        'bot/kernel is the shared vocabulary: it may import npm packages and other kernel files, nothing else of Pulse.',
      severity: 'error',
      from: { path: '^bot/kernel/' },
      to: { path: '^(bot|db|scenarios|tests)/', pathNot: '^bot/kernel/' },
    },
    {
      name: 'runtime-knows-no-feature',
      comment:
        'bot/runtime runs any feature without knowing one: it may import the kernel, the database, config types and bot/messages.ts — never a feature, a platform, the sandbox or scenarios. Put what it needs from a feature behind a port in runtime/types.ts and wire it in bot/app.ts.',
      severity: 'error',
      from: { path: '^bot/runtime/' },
      to: { path: '^(bot/(features|platforms|sandbox)/|bot/(app|main)\\.ts$|scenarios/)' },
    },
    {
      name: 'platforms-are-thin',
      comment:
        'A platform adapter maps updates to events and implements the Messenger port: it may import the kernel, runtime types, config types and bot/messages.ts — no database, no feature, no other platform.',
      severity: 'error',
      from: { path: '^bot/platforms/([^/]+)/' },
      to: {
        path: '^(db/|bot/(features|sandbox)/|bot/(app|main)\\.ts$|scenarios/|bot/platforms/)',
        pathNot: ['^bot/platforms/$1/', '^bot/platforms/types\\.ts$'],
      },
    },
    {
      name: 'features-meet-through-index',
      comment:
        "A feature may use another feature only through that feature's index.ts (its public face). Export what you need there.",
      severity: 'error',
      from: { path: FEATURE },
      to: {
        path: '^bot/features/([^/]+)/',
        pathNot: ['^bot/features/$1/', '^bot/features/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'no-own-index',
      comment:
        "Inside a feature, import the module itself, not the feature's own index.ts: the index imports the commands, so going through it makes a cycle that breaks at start-up.",
      severity: 'error',
      from: { path: '^bot/features/([^/]+)/.+' },
      to: { path: '^bot/features/$1/index\\.ts$' },
    },
    {
      name: 'features-stay-in-the-core',
      comment:
        'A feature may import the kernel, the runtime, the database, config types, bot/messages.ts and other features — not a platform, the sandbox, scenarios/ or the composition root.',
      severity: 'error',
      from: { path: FEATURE },
      to: { path: '^(bot/(platforms|sandbox)/|bot/(app|main)\\.ts$|bot/features/index\\.ts$|scenarios/)' },
    },
    {
      name: 'catalogue-composes-messages-only',
      comment:
        'bot/messages.ts composes the message catalogues: it may import messages.ts files and the kernel only.',
      severity: 'error',
      from: { path: '^bot/messages\\.ts$' },
      to: { path: '^(bot|db|scenarios)/', pathNot: ['messages\\.ts$', '^bot/kernel/'] },
    },
    {
      name: 'messages-are-data',
      comment: 'A messages.ts file is a catalogue (vi, en): it imports nothing.',
      severity: 'error',
      from: { path: 'messages\\.ts$', pathNot: '^bot/messages\\.ts$' },
      to: { path: '^(bot|db|scenarios)/' },
    },
    {
      name: 'database-below-everything',
      comment:
        'db/ (client, schema, migrations) may import the kernel only; its command-line entry points (*-cli.ts) read the config.',
      severity: 'error',
      from: { path: '^db/', pathNot: '^db/[a-z-]+-cli\\.ts$' },
      to: { path: '^(bot|scenarios)/', pathNot: '^bot/kernel/' },
    },
    {
      name: 'sandbox-is-a-platform-with-storage',
      comment:
        'The sandbox emulates a chat service: kernel, runtime, database, config, messages, and scenarios/ for the demo — no feature.',
      severity: 'error',
      from: { path: '^bot/sandbox/' },
      to: { path: '^(bot/(features|platforms)/|bot/(app|main)\\.ts$)' },
    },
    {
      name: 'scenarios-use-feature-index',
      comment:
        "scenarios/ (CLI, loader, engine) composes the features' sections: it uses a feature only through its index.ts.",
      severity: 'error',
      from: { path: '^scenarios/' },
      to: { path: '^bot/features/[^/]+/', pathNot: '^bot/features/[^/]+/index\\.ts$' },
    },
    {
      name: 'only-the-root-imports-everything',
      comment: 'bot/app.ts and bot/main.ts are the composition root: nothing else imports them.',
      severity: 'error',
      from: { path: '^(bot|db|scenarios)/', pathNot: '^bot/(app|main)\\.ts$' },
      to: { path: '^bot/(app|main)\\.ts$' },
    },
    {
      name: 'no-tests-in-production',
      comment: 'Production code never imports tests.',
      severity: 'error',
      from: { path: '^(bot|db|scenarios)/' },
      to: { path: '^tests/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
