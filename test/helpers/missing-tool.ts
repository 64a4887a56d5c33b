// One wording for tests skipped because this machine lacks a tool: the skip reason (shown in
// the test output, `# SKIP …`) names the tool and how to get it, so a skip is never silent.

export function missingTool(tool: string, howToGetIt: string): string {
  return `missing tool: ${tool} (${howToGetIt})`;
}
