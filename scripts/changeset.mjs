// Runs the Changesets CLI on Node 20. Its own bin calls `module.enableCompileCache()`, which only Node >= 22.1
// has; the CLI itself works on Node 20, so we import it directly (same arguments, same behaviour).
process.argv.splice(1, 1, 'changeset');
await import('@changesets/cli');
