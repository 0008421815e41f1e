const L = ['en', 'en-GB', 'de', 'fr', 'es', 'ja'];
const out = {};
const part = (l, o, v, t) => new Intl.NumberFormat(l, o).formatToParts(v).find((p) => p.type === t).value;
for (const l of L) {
  const n = {};
  n.dec = part(l, {}, 1.5, 'decimal');
  n.grp = part(l, {}, 123456, 'group');
  n.min2 = new Intl.NumberFormat(l).format(1234).length === 4 ? 1 : 0;
  n.pct = new Intl.NumberFormat(l, { style: 'percent' }).format(0.07).replace('7', '{n}');
  n.cur = new Intl.NumberFormat(l, { style: 'currency', currency: 'EUR' }).format(7).replace(/7[.,]00/, '{n}').replace('€', '{c}');
  n.code = new Intl.NumberFormat(l, { style: 'currency', currency: 'XYZ', currencyDisplay: 'code' }).format(7).replace(/7[.,]00/, '{n}').replace('XYZ', '{c}');
  n.name = new Intl.NumberFormat(l, { style: 'currency', currency: 'EUR', currencyDisplay: 'name', maximumFractionDigits: 0 }).format(7).replace('7', '{n}').replace(/\S*euro\S*|ユーロ/i, '{c}');
  const acc = new Intl.NumberFormat(l, { style: 'currency', currency: 'EUR', currencySign: 'accounting' }).format(-7);
  n.acct = acc.startsWith('(') ? 1 : 0;
  n.sym = {}; n.names = {};
  for (const c of ['USD', 'EUR', 'GBP', 'JPY']) {
    n.sym[c] = [part(l, { style: 'currency', currency: c }, 1, 'currency'), part(l, { style: 'currency', currency: c, currencyDisplay: 'narrowSymbol' }, 1, 'currency')].join('|');
    const nm = (v) => part(l, { style: 'currency', currency: c, currencyDisplay: 'name', maximumFractionDigits: 0 }, v, 'currency');
    n.names[c] = [nm(1), nm(2), nm(1e6)].join('|');
  }
  out[l] = n;
}
const esc = (s) => s.replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
process.stdout.write(esc(JSON.stringify(out)));
