export { renderChartPng } from './chart/png';
export { DELIVERY_FORMATS, type DeliveryFormat, deliverReport } from './deliver';
export * from './model';
export { renderCsv } from './render-csv';
export { renderDocx } from './render-docx';
export { renderMarkdown } from './render-markdown';
export { CHAT_TEXT_LIMIT, renderChatText } from './render-text';
