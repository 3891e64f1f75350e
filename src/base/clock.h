/* clock: the two clocks hia reads. Durations (epoch times, trial times, heartbeat intervals)
   come from the monotonic clock, which no clock adjustment moves; wall-clock time only where a
   timestamp is stored or compared across processes (leases, the store's times). */
#ifndef HIA_CLOCK_H
#define HIA_CLOCK_H

/* Seconds from an arbitrary origin, for differences within one machine. */
double clock_monotonic(void);
/* Seconds since the Unix epoch. */
double clock_wall(void);

#endif
