// Runs on whatever `node` npm finds first. The project needs Node 24 from its own
// devDependency `node`; when install scripts were skipped that binary is missing and
// scripts would silently fall back to the system Node.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `jiahe needs Node 24 (found ${process.version}). Run \`npm install\` without --ignore-scripts so ` +
      'node_modules/.bin/node is installed, then use npm scripts or npx.',
  );
  process.exit(1);
}
