import Testing

/// The fault suites that run against short time limits (500 ms) or load the machine (a thousand
/// cancelled streams) run one test at a time: in parallel with each other on 2 cores, a stalled
/// scheduler could open a gap as long as the limit and turn a fault after the first content into one
/// before it (which is rightly retried), and the test would flake.
@Suite(.serialized) enum TimingFaults {}
