package org.demo;

import java.util.List;

/** Prints where it runs, as JSON, and a small computation from another class. */
public final class Main {
    public static void main(String[] args) {
        List<Integer> primes = Primes.below(30);
        System.out.println("{\"arch\": \"" + System.getProperty("os.arch")
                + "\", \"greeting\": \"hello from a single-stage java build\", \"primes\": " + primes.size() + "}");
    }
}
