//! Kombo-compatible unified ATS schema: records, wire types, envelopes, error codes and ids.
