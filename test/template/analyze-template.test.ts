import { describe, expect, it } from 'vitest';
import { analyzeTemplate, parseTemplate } from '../../src/template/index.js';
import { analyzeYaml, dedent } from '../helpers/template-fixtures.js';

describe('analyzeTemplate: parameters, resources, description', () => {
  const info = analyzeYaml(dedent`
    Description: Orders data
    Parameters:
      Stage:
        Type: String
        Default: dev
      Subnets:
        Type: CommaDelimitedList
        Default: [subnet-a, subnet-b]
      Retries:
        Type: Number
        Default: 3
      Secret:
        Type: String
        NoEcho: true
      QuotedSecret:
        Type: String
        NoEcho: 'true'
      Visible:
        Type: String
        NoEcho: false
    Resources:
      Table:
        Type: AWS::DynamoDB::Table
      Bucket:
        Type: AWS::S3::Bucket
  `);

  it('lists parameters with type and default as CloudFormation would pass it', () => {
    expect(info.parameters.map((p) => [p.name, p.type, p.default])).toEqual([
      ['Stage', 'String', 'dev'],
      ['Subnets', 'CommaDelimitedList', 'subnet-a,subnet-b'],
      ['Retries', 'Number', '3'],
      ['Secret', 'String', undefined],
      ['QuotedSecret', 'String', undefined],
      ['Visible', 'String', undefined],
    ]);
  });

  it('reads NoEcho given as a boolean or as the string "true"', () => {
    expect(info.parameters.map((p) => [p.name, p.noEcho])).toEqual([
      ['Stage', false],
      ['Subnets', false],
      ['Retries', false],
      ['Secret', true],
      ['QuotedSecret', true],
      ['Visible', false],
    ]);
  });

  it('locates each parameter at its key', () => {
    expect(info.parameters.map((p) => p.location)).toEqual(
      [3, 6, 9, 12, 15, 18].map((line) => ({ file: 'template.yaml', line, column: 3 })),
    );
  });

  it('lists resources with logical ids, types and lines, in template order', () => {
    expect(info.resources).toEqual([
      { logicalId: 'Table', type: 'AWS::DynamoDB::Table', location: { file: 'template.yaml', line: 22, column: 3 } },
      { logicalId: 'Bucket', type: 'AWS::S3::Bucket', location: { file: 'template.yaml', line: 24, column: 3 } },
    ]);
  });

  it('reads the description and finds nothing wrong', () => {
    expect(info.file).toBe('template.yaml');
    expect(info.description).toBe('Orders data');
    expect(info.errors).toEqual([]);
    expect(info.warnings).toEqual([]);
  });

  it('has no description when there is none', () => {
    expect(analyzeYaml('Resources:\n  T:\n    Type: AWS::SNS::Topic\n').description).toBeUndefined();
  });
});

describe('analyzeTemplate: outputs and export names', () => {
  const text = dedent`
    Parameters:
      Stage:
        Type: String
        Default: dev
    Resources:
      Api:
        Type: AWS::ApiGateway::RestApi
    Outputs:
      ApiId:
        Value: !Ref Api
        Export:
          Name: !Sub '\${AWS::StackName}-\${Stage}-ApiId'
      Joined:
        Value: !Ref Api
        Export:
          Name: !Join ['-', [!Ref Stage, !Ref 'AWS::Region', Joined]]
      NotExported:
        Value: !Ref Api
      ByAccount:
        Value: !Ref Api
        Export:
          Name: !Sub '\${AWS::AccountId}-ApiId'
  `;

  it('resolves export names with the stack name, region and parameters', () => {
    const info = analyzeYaml(text, { stackName: 'orders-dev-app', region: 'eu-west-1' });
    expect(info.outputs.map((o) => [o.name, o.exportName])).toEqual([
      ['ApiId', { value: 'orders-dev-app-dev-ApiId', unknowns: [] }],
      ['Joined', { value: 'dev-eu-west-1-Joined', unknowns: [] }],
      ['NotExported', undefined],
      ['ByAccount', { value: '${AWS::AccountId}-ApiId', unknowns: ['AWS::AccountId'] }],
    ]);
    expect(info.outputs[0]?.location).toEqual({ file: 'template.yaml', line: 9, column: 3 });
  });

  it('prefers parameter values from the options to template defaults', () => {
    const info = analyzeYaml(text, {
      stackName: 's',
      region: 'eu-west-1',
      parameterValues: new Map([['Stage', 'prod']]),
    });
    expect(info.outputs[0]?.exportName?.value).toBe('s-prod-ApiId');
  });

  it('warns about an export name with an unknown piece, naming the output and the unknown', () => {
    const info = analyzeYaml(text, { stackName: 'orders-dev-app', region: 'eu-west-1' });
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings[0]).toMatchObject({
      message:
        'export name of output ByAccount is only known as the pattern "${AWS::AccountId}-ApiId": AWS::AccountId is not known before deploy',
      location: { file: 'template.yaml', line: 19, column: 3 },
    });
  });

  it('warns with every unknown when the stack name is not given', () => {
    const info = analyzeYaml(text, { region: 'eu-west-1' });
    expect(info.outputs[0]?.exportName).toEqual({ value: '${AWS::StackName}-dev-ApiId', unknowns: ['AWS::StackName'] });
    expect(info.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('export name of output ApiId') as string,
      expect.stringContaining('export name of output ByAccount') as string,
    ]);
  });
});

describe('analyzeTemplate: imports', () => {
  const info = analyzeYaml(
    dedent`
    Parameters:
      Project:
        Type: String
      Stage:
        Type: String
        Default: dev
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          Policies:
            - PolicyName: data
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Resource:
                      Fn::ImportValue: !Sub '\${Project}-\${Stage}-TableArn'
      Fn:
        Type: AWS::Lambda::Function
        Properties:
          VpcConfig:
            SubnetIds: !Split
              - ','
              - !ImportValue shared-PrivateSubnetIds
    Outputs:
      Vpc:
        Value: !ImportValue shared-VpcId
  `,
    { parameterValues: new Map([['Project', 'orders']]) },
  );

  it('finds imports anywhere in resources and outputs, with the user and the line', () => {
    expect(info.imports.map((i) => [i.exportName.value, i.usedBy, i.location.line])).toEqual([
      ['orders-dev-TableArn', 'Role', 17],
      ['shared-PrivateSubnetIds', 'Fn', 24],
      ['shared-VpcId', 'output Vpc', 27],
    ]);
    expect(info.imports.every((i) => i.exportName.unknowns.length === 0)).toBe(true);
    expect(info.warnings).toEqual([]);
  });

  it('warns about an import whose name has an unknown piece', () => {
    const partial = analyzeYaml(dedent`
      Parameters:
        Project:
          Type: String
      Resources:
        Queue:
          Type: AWS::SQS::Queue
          Properties:
            QueueName:
              Fn::ImportValue: !Sub '\${Project}-QueueName'
    `);
    expect(partial.imports).toEqual([
      {
        exportName: { value: '${Project}-QueueName', unknowns: ['Project'] },
        usedBy: 'Queue',
        location: { file: 'template.yaml', line: 9, column: 9 },
      },
    ]);
    expect(partial.warnings.map((w) => w.message)).toEqual([
      'Fn::ImportValue in Queue is only known as the pattern "${Project}-QueueName": Project is not known before deploy',
    ]);
  });
});

describe('analyzeTemplate: SSM reads', () => {
  it('reads a parameter of type AWS::SSM::Parameter::Value<...> by its default', () => {
    const info = analyzeYaml(dedent`
      Parameters:
        TableName:
          Type: AWS::SSM::Parameter::Value<String>
          Default: /orders/dev/data/table-name
        Ids:
          Type: AWS::SSM::Parameter::Value<List<String>>
          Default: /orders/dev/ids
        NameOnly:
          Type: AWS::SSM::Parameter::Name
          Default: /orders/dev/not-read
      Resources:
        T:
          Type: AWS::SNS::Topic
    `);
    expect(info.ssmReads).toEqual([
      {
        parameterName: { value: '/orders/dev/data/table-name', unknowns: [] },
        via: 'parameter-type',
        secure: false,
        usedBy: 'TableName',
        location: { file: 'template.yaml', line: 2, column: 3 },
      },
      {
        parameterName: { value: '/orders/dev/ids', unknowns: [] },
        via: 'parameter-type',
        secure: false,
        usedBy: 'Ids',
        location: { file: 'template.yaml', line: 5, column: 3 },
      },
    ]);
  });

  it('takes the SSM parameter name from the config over the default, and leaves it unknown without either', () => {
    const text = dedent`
      Parameters:
        TableName:
          Type: AWS::SSM::Parameter::Value<String>
          Default: /orders/dev/data/table-name
        Other:
          Type: AWS::SSM::Parameter::Value<String>
      Resources:
        T:
          Type: AWS::SNS::Topic
    `;
    const info = analyzeYaml(text, { parameterValues: new Map([['TableName', '/orders/prod/data/table-name']]) });
    expect(info.ssmReads.map((r) => r.parameterName)).toEqual([
      { value: '/orders/prod/data/table-name', unknowns: [] },
      { value: '${Other}', unknowns: ['Other'] },
    ]);
  });

  it('finds dynamic references, strips a version and marks ssm-secure', () => {
    const info = analyzeYaml(dedent`
      Resources:
        Db:
          Type: AWS::RDS::DBInstance
          Properties:
            DBName: '{{resolve:ssm:/a/b}}'
            EngineVersion: '{{resolve:ssm:/a/engine:3}}'
            MasterUserPassword: '{{resolve:ssm-secure:/x}}'
            Both: 'user={{resolve:ssm:/db/user}} password={{resolve:ssm-secure:/db/password:12}}'
      Outputs:
        Endpoint:
          Value: '{{resolve:ssm:/db/endpoint}}'
    `);
    expect(info.ssmReads.map((r) => [r.parameterName.value, r.secure, r.usedBy, r.location.line])).toEqual([
      ['/a/b', false, 'Db', 5],
      ['/a/engine', false, 'Db', 6],
      ['/x', true, 'Db', 7],
      ['/db/user', false, 'Db', 8],
      ['/db/password', true, 'Db', 8],
      ['/db/endpoint', false, 'output Endpoint', 11],
    ]);
    expect(info.ssmReads.every((r) => r.via === 'dynamic-reference' && r.parameterName.unknowns.length === 0)).toBe(
      true,
    );
  });

  it('resolves ${...} inside a dynamic reference in a Fn::Sub', () => {
    const info = analyzeYaml(
      dedent`
      Parameters:
        Stage:
          Type: String
          Default: dev
        Team:
          Type: String
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Description: !Sub '{{resolve:ssm:/orders/\${Stage}/description}}'
            Handler: !Sub
              - '{{resolve:ssm:/orders/\${Env}/handler:2}}'
              - Env: !Ref Stage
            Role: !Sub '{{resolve:ssm:/teams/\${Team}/role}}'
            KmsKeyArn: !Sub '{{resolve:ssm-secure:/\${AWS::Region}/\${!Literal}/key}}'
    `,
      { region: 'eu-west-1' },
    );
    expect(info.ssmReads.map((r) => [r.parameterName, r.secure, r.location.line])).toEqual([
      [{ value: '/orders/dev/description', unknowns: [] }, false, 11],
      // A block-sequence !Sub starts at its first item: the line holding the reference.
      [{ value: '/orders/dev/handler', unknowns: [] }, false, 13],
      [{ value: '/teams/${Team}/role', unknowns: ['Team'] }, false, 15],
      [{ value: '/eu-west-1/${Literal}/key', unknowns: [] }, true, 16],
    ]);
  });

  it('does not take an SSM parameter name in a plain string for a read', () => {
    const info = analyzeYaml(dedent`
      Parameters:
        Stage:
          Type: String
          Default: dev
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Environment:
              Variables:
                TABLE_PARAM: /orders/dev/table
                OTHER_PARAM: !Sub '/orders/\${Stage}/other'
                DOC: 'resolve:ssm:/not/a/reference'
    `);
    expect(info.ssmReads).toEqual([]);
  });
});

describe('analyzeTemplate: SSM writes', () => {
  const text = dedent`
    Parameters:
      Project:
        Type: String
      Stage:
        Type: String
        Default: dev
    Resources:
      TableNameParam:
        Type: AWS::SSM::Parameter
        Properties:
          Name: !Sub '/\${Project}/\${Stage}/data/table-name'
          Type: String
          Value: !Ref Table
      Unnamed:
        Type: AWS::SSM::Parameter
        Properties:
          Type: String
          Value: x
      Table:
        Type: AWS::DynamoDB::Table
        Properties:
          TableName: /orders/dev/looks-like-a-name
  `;

  it('lists AWS::SSM::Parameter resources with a Name, resolved', () => {
    const info = analyzeYaml(text, { parameterValues: new Map([['Project', 'orders']]) });
    expect(info.ssmWrites).toEqual([
      {
        parameterName: { value: '/orders/dev/data/table-name', unknowns: [] },
        logicalId: 'TableNameParam',
        location: { file: 'template.yaml', line: 8, column: 3 },
      },
    ]);
    expect(info.warnings).toEqual([]);
  });

  it('warns about a written name with an unknown piece', () => {
    const info = analyzeYaml(text);
    expect(info.ssmWrites.map((w) => w.parameterName)).toEqual([
      { value: '/${Project}/dev/data/table-name', unknowns: ['Project'] },
    ]);
    expect(info.warnings).toEqual([
      expect.objectContaining({
        message:
          'SSM parameter name of TableNameParam is only known as the pattern "/${Project}/dev/data/table-name": Project is not known before deploy',
        location: { file: 'template.yaml', line: 8, column: 3 },
      }),
    ]);
  });
});

describe('analyzeTemplate: structural errors', () => {
  it('reports a missing Resources section', () => {
    const info = analyzeYaml('Description: nothing here\n');
    expect(info.errors).toEqual([
      { message: 'a template needs at least one resource in `Resources`', location: { file: 'template.yaml' } },
    ]);
    expect(info.resources).toEqual([]);
  });

  it('reports an empty Resources section', () => {
    expect(analyzeYaml('Resources: {}\n').errors.map((e) => e.message)).toEqual([
      'a template needs at least one resource in `Resources`',
    ]);
  });

  it('reports a resource without Type at its line', () => {
    const info = analyzeYaml(dedent`
      Resources:
        Good:
          Type: AWS::SNS::Topic
        Bad:
          Properties: {}
    `);
    expect(info.errors).toEqual([
      { message: 'resource Bad has no `Type`', location: { file: 'template.yaml', line: 4, column: 3 } },
    ]);
    expect(info.resources.map((r) => [r.logicalId, r.type])).toEqual([
      ['Good', 'AWS::SNS::Topic'],
      ['Bad', 'Unknown'],
    ]);
  });

  it('reports a parameter without Type and a section that is not a mapping', () => {
    const info = analyzeYaml(dedent`
      Parameters:
        Stage:
          Default: dev
      Outputs: [a, b]
      Resources:
        T:
          Type: AWS::SNS::Topic
    `);
    expect(info.errors).toEqual([
      { message: 'parameter Stage has no `Type`', location: { file: 'template.yaml', line: 2, column: 3 } },
      { message: '`Outputs` must be a mapping', location: { file: 'template.yaml', line: 4, column: 1 } },
    ]);
    expect(info.parameters[0]).toMatchObject({ name: 'Stage', type: 'String', default: 'dev' });
    expect(info.outputs).toEqual([]);
  });

  it('analyzes a JSON template with JSON line numbers', () => {
    const json = [
      '{',
      '  "Resources": {',
      '    "Param": {',
      '      "Type": "AWS::SSM::Parameter",',
      '      "Properties": { "Name": { "Fn::Sub": "/app/${AWS::Region}/x" }, "Type": "String", "Value": "v" }',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const info = analyzeTemplate(parseTemplate(json, 'stack.json'), { region: 'us-east-1' });
    expect(info.ssmWrites).toEqual([
      {
        parameterName: { value: '/app/us-east-1/x', unknowns: [] },
        logicalId: 'Param',
        location: { file: 'stack.json', line: 3, column: 5 },
      },
    ]);
  });
});
