// @inputbot/runtime/project: loading a bot project from disk (for the CLI and the services).
export { brokerNotAvailable, CONFIG_FILES, type LoadProjectOptions, type LoadProjectResult, loadProject } from './load-project.ts';
export { formatLocation, PROBLEM_CODES, type Problem, type ProblemCode } from './problems.ts';
export type { Fixture, Project, ProjectAction, ProjectIntent, ProjectPrompt, SourceLocation, TrainingExample } from './types.ts';
