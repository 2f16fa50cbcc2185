<?php
// Served by php-fpm behind a web server; answers with the CPU it runs on.
header('Content-Type: application/json');
echo json_encode(['arch' => php_uname('m'), 'greeting' => 'hello from php-fpm']), PHP_EOL;
