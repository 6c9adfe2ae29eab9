//! Connector SDK for atsbridge: the Connector trait, coverage declarations, errors, sync scope and record sink.
