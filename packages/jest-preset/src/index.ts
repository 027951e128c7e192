// The preset's globalSetup, teardown and DTRHATestSuite arrive with the jest-preset issue.
export {};
