<?php

final class Greeting
{
    public static function hello(string $name): string
    {
        return "hello from {$name}";
    }
}
