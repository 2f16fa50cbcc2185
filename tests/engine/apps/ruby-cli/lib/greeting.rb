module Greeting
  def self.hello(name)
    "hello from #{name}"
  end
end
