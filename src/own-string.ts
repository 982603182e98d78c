// A string that holds only its own characters. V8 keeps a substring of 13 or more characters as a view into the
// string it was cut from (which stays alive with it), and a string built with `+=` as a chain of pieces; the copy
// is one run of characters (a UTF-16 round trip loses none).
export const ownString = (text: string): string => (text.length < 13 ? text : Buffer.from(text, 'utf16le').toString('utf16le'));
