const ABBREVIATION_BY_NAME: Record<string, string> = {
  acre: 'AC',
  alagoas: 'AL',
  amapa: 'AP',
  amazonas: 'AM',
  bahia: 'BA',
  ceara: 'CE',
  'distrito federal': 'DF',
  'espirito santo': 'ES',
  goias: 'GO',
  maranhao: 'MA',
  'mato grosso': 'MT',
  'mato grosso do sul': 'MS',
  'minas gerais': 'MG',
  para: 'PA',
  paraiba: 'PB',
  parana: 'PR',
  pernambuco: 'PE',
  piaui: 'PI',
  'rio de janeiro': 'RJ',
  'rio grande do norte': 'RN',
  'rio grande do sul': 'RS',
  rondonia: 'RO',
  roraima: 'RR',
  'santa catarina': 'SC',
  'sao paulo': 'SP',
  sergipe: 'SE',
  tocantins: 'TO',
};

const ABBREVIATIONS = new Set(Object.values(ABBREVIATION_BY_NAME));

/** Tiny wants the UF; marketplaces send either the UF or the state's full name, with or without accents. */
export function toStateAbbreviation(...candidates: (string | undefined)[]): string | undefined {
  for (const candidate of candidates) {
    const key = candidate
      ?.normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .trim()
      .toLowerCase()
      .replace(/\s+/g, ' ');
    if (!key) continue;
    if (ABBREVIATIONS.has(key.toUpperCase())) return key.toUpperCase();
    const byName = ABBREVIATION_BY_NAME[key];
    if (byName) return byName;
  }
  return undefined;
}
