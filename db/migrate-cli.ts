import { loadConfig } from '../bot/config';
import { openDatabase } from './client';

const config = loadConfig(process.env);
const database = await openDatabase(config.database);
await database.migrate();
await database.close();
console.log(`Migrations applied (${database.driver}).`);
