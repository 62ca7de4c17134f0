/** Small text helpers every ring may use: stable hashes for names derived from other names. JDK only. */
package dev.mcpd.domain.text;
