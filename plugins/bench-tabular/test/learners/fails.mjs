// A learner command for tests that fails the way real ones do: a message on stderr and a non-zero exit.
console.error('loading training data');
console.error('ValueError: could not convert string to float: "sunny-ish"');
process.exit(3);
