// Deep import of natural's Porter stemmer: importing 'natural' itself costs ~0.5 s and loads
// dotenv (which prints to stdout), while the stemmer alone loads in a few ms.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
