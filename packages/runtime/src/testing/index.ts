// @inputbot/runtime/testing: scoring NLU answers against fixtures (`bot test`, bench/nlu).
export { type Cassette, CassetteFileError, CassetteMissError, openCassette } from './cassette.ts';
export { makeFolds } from './cross-validate.ts';
export type { CaseOutcome, ClassScore, TestReport } from './report.ts';
export { TestReportSchema } from './report.ts';
export { type NluTestOptions, runNluTest } from './run-nlu-test.ts';
export { type CaseAnswer, judgeCase, normaliseValue, replyMatches, type ScoreOptions, scoreFixtures, summariseOutcomes, type TestCase } from './score.ts';
