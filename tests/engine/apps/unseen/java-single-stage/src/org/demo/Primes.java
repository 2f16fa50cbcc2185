package org.demo;

import java.util.ArrayList;
import java.util.List;

final class Primes {
    private Primes() {}

    static List<Integer> below(int limit) {
        List<Integer> found = new ArrayList<>();
        for (int n = 2; n < limit; n++) {
            boolean prime = true;
            for (int d : found) {
                if (d * d > n) break;
                if (n % d == 0) { prime = false; break; }
            }
            if (prime) found.add(n);
        }
        return found;
    }
}
