<?php
// Prints where it runs, as JSON: the engine tests read the architecture from it.
require __DIR__ . '/src/Greeting.php';

echo json_encode([
    'arch' => php_uname('m'),
    'php' => PHP_VERSION,
    'greeting' => Greeting::hello('php'),
]), PHP_EOL;
