//! A stateful fake eRecruiter API for demos, end-to-end tests, benchmarks and fault injection.
