// Everything the bot needs in Azure, in one resource group. Deployed by the Agents Toolkit (m365agents.yml, arm/deploy)
// or by `az deployment group create` (README, "Deploy to Azure").
//
// The bot has no secrets of its own: a user-assigned managed identity is both the Azure Bot's identity
// (UserAssignedMSI) and the app's way into Table Storage (role Storage Table Data Contributor; the account refuses
// shared keys) and Key Vault (Key Vault Secrets User). The app's own secrets live in Key Vault and reach it as
// Key Vault references.

@maxLength(20)
@minLength(4)
@description('Base of every resource name (letters and digits), e.g. ljobs plus a short suffix.')
param resourceBaseName string

@description('App Service plan SKU: B1 or larger (Always On and the health check need at least Basic).')
param webAppSku string = 'B1'

@maxLength(42)
@description('The bot\'s name in the Azure Bot resource.')
param botDisplayName string

param location string = resourceGroup().location

@description('First admins: comma-separated Entra object ids. More are added on the settings card.')
param adminAadIds string = ''

@description('Recruiter System Connect client id (optional; with linkedInClientSecret).')
param linkedInClientId string = ''

@secure()
@description('32 random bytes, base64 (openssl rand -base64 32): encrypts stored LinkedIn client secrets. Stored in Key Vault.')
param settingsEncryptionKey string

@secure()
@description('Recruiter System Connect client secret (optional). Stored in Key Vault.')
param linkedInClientSecret string = ''

@secure()
@description('Secret last segment of the LinkedIn callback URL (optional, 24-128 of A-Z a-z 0-9 - _). Stored in Key Vault.')
param linkedInPushKey string = ''

var uniqueSuffix = uniqueString(resourceGroup().id, resourceBaseName)
var storageAccountName = toLower(take('${replace(resourceBaseName, '-', '')}${uniqueSuffix}', 24))
var keyVaultName = 'kv-${take(uniqueSuffix, 13)}'
// Built-in role ids (the same in every tenant).
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: resourceBaseName
  location: location
}

// Table Storage reached with Entra ID only: no account key is ever handed out.
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource storageTableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource vaultSecretsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource settingsEncryptionKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'settings-encryption-key'
  properties: {
    value: settingsEncryptionKey
  }
}

resource linkedInClientSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(linkedInClientSecret)) {
  parent: vault
  name: 'linkedin-client-secret'
  properties: {
    value: linkedInClientSecret
  }
}

resource linkedInPushKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(linkedInPushKey)) {
  parent: vault
  name: 'linkedin-push-key'
  properties: {
    value: linkedInPushKey
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: resourceBaseName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: resourceBaseName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource serverfarm 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    // Key Vault references resolve with the same identity.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node --disable-warning=DEP0111 dist/src/index.js'
      alwaysOn: true
      healthCheckPath: '/readyz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

var keyVaultReference = '@Microsoft.KeyVault(VaultName=${vault.name};SecretName='

// The app's environment (README, "Configuration"). Secrets appear only as Key Vault references.
resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: webApp
  name: 'appsettings'
  properties: union(
    {
      NODE_ENV: 'production'
      WEBSITE_RUN_FROM_PACKAGE: '1'
      SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
      BOT_ID: identity.properties.clientId
      BOT_TYPE: 'UserAssignedMSI'
      BOT_TENANT_ID: identity.properties.tenantId
      // DefaultAzureCredential picks the user-assigned identity by its client id.
      AZURE_CLIENT_ID: identity.properties.clientId
      AZURE_STORAGE_ACCOUNT_URL: storage.properties.primaryEndpoints.table
      PUBLIC_BASE_URL: 'https://${webApp.properties.defaultHostName}'
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
      ADMIN_AAD_IDS: adminAadIds
      SETTINGS_ENCRYPTION_KEY: '${keyVaultReference}${settingsEncryptionKeySecret.name})'
    },
    empty(linkedInClientSecret) ? {} : {
      LINKEDIN_CLIENT_ID: linkedInClientId
      LINKEDIN_CLIENT_SECRET: '${keyVaultReference}linkedin-client-secret)'
    },
    empty(linkedInPushKey) ? {} : {
      LINKEDIN_PUSH_KEY: '${keyVaultReference}linkedin-push-key)'
    }
  )
  dependsOn: [
    storageTableAccess
    vaultSecretsAccess
    linkedInClientSecretSecret
    linkedInPushKeySecret
  ]
}

// The bot registration, with the managed identity as its app id, and its Teams channel.
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// Written to env/.env.<env> by the Agents Toolkit; printed by az deployment group create.
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output AZURE_STORAGE_ACCOUNT_URL string = storage.properties.primaryEndpoints.table
output KEY_VAULT_NAME string = vault.name
