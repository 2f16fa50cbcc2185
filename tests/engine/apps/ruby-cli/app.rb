# Prints where it runs, as JSON: the engine tests read the architecture from it.
require "json"
require "etc"
require_relative "lib/greeting"

puts JSON.generate(
  arch: Etc.uname[:machine],
  ruby: RUBY_VERSION,
  uid: Process.uid,
  greeting: Greeting.hello("ruby")
)
