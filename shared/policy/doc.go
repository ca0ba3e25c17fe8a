// Package policy is tierline's configuration and the rules it sets: which
// integrations may post, where each signal is routed (tier, priority,
// escalation policy), the deadlines of every tier, the on-call channels, the
// api keys, and the escalation step that applies those deadlines.
//
// A config is one YAML file (see Parse for its shape). Loading validates all
// of it and reports every problem with its file, line and fix, so that a
// config that loads is a config that works.
package policy
