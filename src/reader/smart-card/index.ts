export { smartCardApi, type SmartCardResourceManager } from './api.ts';
export { fromSmartCardError, SMART_CARD_ERRORS, type SmartCardResponseCode } from './errors.ts';
export { listSmartCardReaders, openSmartCardReader, watchSmartCardReaders, type OpenOptions, type SmartCardReaderInfo, type SmartCardSession } from './source.ts';
