import { demux } from './log-frames';

test('demux strips Docker stream headers; plain text passes through', () => {
  const frame = (stream: number, text: string) => {
    const body = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(body.length, 4);
    return Buffer.concat([header, body]);
  };
  expect(demux(Buffer.concat([frame(1, 'out line\n'), frame(2, 'err line\n')]))).toBe('out line\nerr line\n');
  expect(demux(Buffer.from('already plain\n'))).toBe('already plain\n');
});
