package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Copies of string maps that iterate in key order, so that output built from them is deterministic (house rule 16). */
final class SortedMaps {

    private SortedMaps() {}

    static SortedMap<String, String> sortedCopy(Map<String, String> map, String what) {
        requireNonNull(map, what + " is null");
        TreeMap<String, String> copy = new TreeMap<>();
        map.forEach((key, value) -> copy.put(
                requireNonNull(key, what + " has a null key"),
                requireNonNull(value, what + " has a null value for " + key)));
        return Collections.unmodifiableSortedMap(copy);
    }
}
