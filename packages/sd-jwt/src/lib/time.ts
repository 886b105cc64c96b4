/** Seconds since the epoch, whole (JWT NumericDate). */
export const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
