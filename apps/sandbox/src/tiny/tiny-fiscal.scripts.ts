import { Injectable } from '@nestjs/common';
import { TinyAccountStore } from './tiny-account.store';
import { formatDocument } from './tiny-contact.scripts';
import { TinyDataStore, digits, type TinyInvoice, type TinyOrder } from './tiny-data.store';
import { TinyBusinessError, tinyOk, type TinyRetornoBody } from './tiny-retorno';
import type { TinyRawBody, TinyScriptContext, TinyScriptMap } from './tiny-script';
import { page, parseTinyDate, requiredParam, text } from './tiny-wire';

/** NF situations (table from an integrator note; the official one was not retrieved). */
export const TINY_INVOICE_SITUATIONS: Record<number, string> = {
  1: 'Pendente',
  2: 'Emitida',
  3: 'Cancelada',
  4: 'Enviada - Aguardando recibo',
  5: 'Rejeitada',
  6: 'Autorizada',
  7: 'Emitida DANFE',
  8: 'Registrada',
  9: 'Enviada - Aguardando protocolo',
  10: 'Denegada',
};

@Injectable()
export class TinyFiscalScripts {
  constructor(
    private readonly data: TinyDataStore,
    private readonly accounts: TinyAccountStore,
  ) {}

  scripts(): TinyScriptMap {
    return {
      'nota.fiscal.obter': { handle: (context) => this.get(context) },
      'nota.fiscal.obter.link': { handle: (context) => this.link(context) },
      'nota.fiscal.obter.xml': { handle: (context) => this.xml(context) },
      'notas.fiscais.pesquisa': { handle: (context) => this.search(context) },
    };
  }

  private get({ account, params }: TinyScriptContext): TinyRetornoBody {
    const invoice = this.find(account.token, requiredParam(params, 'id'));
    const order = this.orderOf(account.token, invoice);
    return tinyOk(
      {
        nota_fiscal: {
          id: String(invoice.id),
          tipo_nota: invoice.tipo,
          natureza_operacao: 'Venda de mercadorias',
          regime_tributario: '1',
          finalidade: '1',
          serie: invoice.serie,
          numero: invoice.numero,
          numero_ecommerce: invoice.numeroEcommerce ?? '',
          data_emissao: invoice.dataEmissao,
          cliente: { ...invoice.cliente, cpf_cnpj: formatDocument(text(invoice.cliente['cpf_cnpj'])) },
          itens: (order?.itens ?? []).map((item) => ({
            item: { id_produto: item.idProduto ? String(item.idProduto) : '', codigo: item.codigo, descricao: item.descricao, unidade: item.unidade, quantidade: item.quantidade, valor_unitario: item.valorUnitario },
          })),
          valor_produtos: order?.totalProdutos ?? invoice.valorNota,
          valor_frete: order?.valorFrete ?? '0.00',
          valor_nota: invoice.valorNota,
          forma_envio: order?.formaEnvio ?? '',
          codigo_rastreamento: order?.codigoRastreamento ?? '',
          url_rastreamento: order?.urlRastreamento ?? '',
          id_venda: invoice.idVenda ? String(invoice.idVenda) : '',
          situacao: String(invoice.situacao),
          descricao_situacao: TINY_INVOICE_SITUATIONS[invoice.situacao],
          chave_acesso: invoice.chaveAcesso,
          marcadores: [],
        },
      },
      3,
    );
  }

  private link({ account, params }: TinyScriptContext): TinyRetornoBody {
    const invoice = this.find(account.token, requiredParam(params, 'id'));
    return tinyOk({ link_nfe: danfeLink(invoice) }, 3);
  }

  /** Answers XML whatever `formato` says, errors included (ASSUMPTION (docs/contracts.md#tiny-nota-fiscal-obter): token errors stay JSON, as they are checked first). */
  private xml({ account, params }: TinyScriptContext): TinyRawBody {
    try {
      const invoice = this.find(account.token, requiredParam(params, 'id'));
      if (invoice.situacao !== 6 && invoice.situacao !== 7) throw new TinyBusinessError(34, ['A nota fiscal não está autorizada']);
      const cnpj = digits(this.accounts.find(account.token)?.cnpj);
      const nfe =
        `<nfeProc versao="4.00" xmlns="http://www.portalfiscal.inf.br/nfe"><NFe><infNFe Id="NFe${invoice.chaveAcesso}" versao="4.00">` +
        `<ide><serie>${invoice.serie}</serie><nNF>${invoice.numero}</nNF><dhEmi>${isoDate(invoice.dataEmissao)}</dhEmi></ide>` +
        `<emit><CNPJ>${cnpj}</CNPJ></emit><dest><xNome>${escapeXml(text(invoice.cliente['nome']) ?? '')}</xNome></dest>` +
        `<total><ICMSTot><vNF>${invoice.valorNota}</vNF></ICMSTot></total></infNFe></NFe>` +
        `<protNFe versao="4.00"><infProt><chNFe>${invoice.chaveAcesso}</chNFe><cStat>100</cStat><xMotivo>Autorizado o uso da NF-e</xMotivo></infProt></protNFe></nfeProc>`;
      return xmlBody(`<status_processamento>3</status_processamento><status>OK</status><xml_nfe>${nfe}</xml_nfe>`);
    } catch (error: unknown) {
      if (!(error instanceof TinyBusinessError)) throw error;
      const erros = error.messages.map((message) => `<erro>${escapeXml(message)}</erro>`).join('');
      return xmlBody(`<status_processamento>${String(error.statusProcessamento)}</status_processamento><status>Erro</status><codigo_erro>${error.codigo}</codigo_erro><erros>${erros}</erros>`);
    }
  }

  private search({ account, params }: TinyScriptContext): TinyRetornoBody {
    const from = parseTinyDate(params['dataInicial']);
    const to = parseTinyDate(params['dataFinal']);
    const matching = this.data.of(account.token).invoices.filter((invoice) => {
      const issued = parseTinyDate(invoice.dataEmissao) ?? invoice.createdAt;
      if (params['tipoNota'] && invoice.tipo !== params['tipoNota'].trim().toUpperCase()) return false;
      if (params['numero'] && invoice.numero !== params['numero'].trim()) return false;
      if (params['numeroEcommerce'] && invoice.numeroEcommerce !== params['numeroEcommerce'].trim()) return false;
      if (params['situacao'] && String(invoice.situacao) !== params['situacao'].trim()) return false;
      if (params['cpf_cnpj'] && digits(invoice.cliente['cpf_cnpj']) !== digits(params['cpf_cnpj'])) return false;
      if (params['cliente'] && !(text(invoice.cliente['nome']) ?? '').toLowerCase().includes(params['cliente'].toLowerCase())) return false;
      if (from !== undefined && issued < from) return false;
      return to === undefined || issued < to + 24 * 3600_000;
    });
    const { items, pagina, numeroPaginas } = page(matching, params);
    const notas_fiscais = items.map((invoice) => {
      const order = this.orderOf(account.token, invoice);
      return {
        nota_fiscal: {
          id: invoice.id,
          tipo: invoice.tipo,
          serie: invoice.serie,
          numero: invoice.numero,
          numero_ecommerce: invoice.numeroEcommerce ?? '',
          data_emissao: invoice.dataEmissao,
          nome: text(invoice.cliente['nome']) ?? '',
          cliente: { nome: text(invoice.cliente['nome']) ?? '', cpf_cnpj: formatDocument(text(invoice.cliente['cpf_cnpj'])) },
          valor: invoice.valorNota,
          situacao: String(invoice.situacao),
          descricao_situacao: TINY_INVOICE_SITUATIONS[invoice.situacao],
          chave_acesso: invoice.chaveAcesso,
          codigo_rastreamento: order?.codigoRastreamento ?? '',
          url_rastreamento: order?.urlRastreamento ?? '',
        },
      };
    });
    return tinyOk({ pagina: String(pagina), numero_paginas: String(numeroPaginas), notas_fiscais }, 3);
  }

  private find(token: string, id: string): TinyInvoice {
    const invoice = this.data.of(token).invoices.find((candidate) => String(candidate.id) === id.trim());
    if (!invoice) throw new TinyBusinessError(32, ['Nota fiscal não localizada'], 2);
    return invoice;
  }

  private orderOf(token: string, invoice: TinyInvoice): TinyOrder | undefined {
    return this.data.of(token).orders.find((order) => order.id === invoice.idVenda);
  }
}

export function danfeLink(invoice: TinyInvoice): string {
  return `https://tiny.com.br/doc.view.php?id=${invoice.linkHash}`;
}

function xmlBody(inner: string): TinyRawBody {
  return { raw: `<?xml version="1.0" encoding="UTF-8"?><retorno>${inner}</retorno>`, contentType: 'application/xml' };
}

function isoDate(tinyDateText: string): string {
  const instant = parseTinyDate(tinyDateText);
  return instant === undefined ? '' : `${new Date(instant - 3 * 3600_000).toISOString().slice(0, 19)}-03:00`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
