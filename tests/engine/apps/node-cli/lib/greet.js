exports.greet = (name) => `hello from ${name}`;
