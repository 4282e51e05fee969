// Locale formatting shared by the reply templates: numbers, money (integer fen) and dates in
// the service's time zone.
export function formatters(locale: string, month: 'long' | 'short') {
  const nf = new Intl.NumberFormat(locale);
  const df = new Intl.DateTimeFormat(locale, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month,
    day: 'numeric',
  });
  return {
    num: (n: number) => nf.format(n),
    money: (fen: number) => `¥${(fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)}`,
    date: (iso: string) => df.format(new Date(iso)),
    // Lots expire at midnight starting the next month; people count the last valid day.
    lastDay: (iso: string) => df.format(new Date(new Date(iso).getTime() - 1000)),
  };
}
